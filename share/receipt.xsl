<?xml version="1.0" encoding="UTF-8"?>
<!--
  receipt.xsl - jm's receipts (receipt.xsd) as one printable HTML page per
  receipt. Input: <receipts> holding <receipt> elements. ID numbers are
  masked (first 4, last 4), as in every output jm makes for people.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" encoding="UTF-8" indent="yes"
      doctype-system="about:legacy-compat"/>

  <xsl:template name="mask">
    <xsl:param name="id"/>
    <xsl:choose>
      <xsl:when test="string-length($id) &gt;= 9">
        <xsl:value-of select="concat(substring($id, 1, 4), '**********',
            substring($id, string-length($id) - 3))"/>
      </xsl:when>
      <xsl:otherwise>—</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="/receipts">
    <html lang="zh-CN">
      <head>
        <title>社保费电子缴款单</title>
        <style>
body { font-family: serif; margin: 0; }
.receipt { width: 180mm; margin: 10mm auto; padding: 8mm; border: 1px solid #333; }
h1 { font-size: 16pt; text-align: center; letter-spacing: 0.3em; margin: 0 0 4mm; }
.sandbox { text-align: center; color: #b00; font-weight: bold; font-family: sans-serif; }
table { width: 100%; border-collapse: collapse; font-size: 11pt; }
th, td { border: 1px solid #555; padding: 2mm 3mm; text-align: left; vertical-align: top; }
th { width: 28%; background: #f2f2f2; font-weight: normal; }
.amount { font-size: 13pt; font-weight: bold; }
.sig { font-family: monospace; font-size: 7pt; word-break: break-all; color: #555; }
@page { size: A4; margin: 10mm; }
@media print {
  .receipt { page-break-after: always; break-after: page; border: 1px solid #000; margin: 0 auto; }
  .receipt:last-child { page-break-after: auto; break-after: auto; }
}
        </style>
      </head>
      <body>
        <xsl:apply-templates select="receipt"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="receipt">
    <xsl:variable name="c" select="content"/>
    <section class="receipt">
      <h1>社保费电子缴款单</h1>
      <xsl:if test="$c/sandbox = 'true'">
        <p class="sandbox">SANDBOX · 测试环境 · 非真实缴款凭证 (not a real receipt)</p>
      </xsl:if>
      <table>
        <tr><th>缴款单号</th><td><xsl:value-of select="$c/receipt_no"/></td></tr>
        <tr><th>征收机关</th><td><xsl:value-of select="$c/office"/></td></tr>
        <tr><th>开具时间</th><td><xsl:value-of select="$c/issued_at"/></td></tr>
        <tr><th>缴费人</th><td><xsl:value-of select="$c/payer/name"/>
          <xsl:text> </xsl:text>
          <xsl:call-template name="mask"><xsl:with-param name="id" select="$c/payer/id_no"/></xsl:call-template></td></tr>
        <tr><th>参保人</th><td><xsl:value-of select="$c/insured/name"/>
          <xsl:text> </xsl:text>
          <xsl:call-template name="mask"><xsl:with-param name="id" select="$c/insured/id_no"/></xsl:call-template></td></tr>
        <tr><th>险种</th><td><xsl:value-of select="$c/item"/></td></tr>
        <tr><th>所属期</th><td><xsl:value-of select="$c/period"/>
          (<xsl:value-of select="$c/period/@from"/> 至 <xsl:value-of select="$c/period/@to"/>)</td></tr>
        <tr><th>金额</th><td class="amount">¥<xsl:value-of select="$c/amount/@yuan"/>
          <xsl:text>　</xsl:text><xsl:value-of select="$c/amount"/></td></tr>
        <tr><th>缴费渠道</th><td><xsl:value-of select="$c/channel"/></td></tr>
        <tr><th>订单号</th><td><xsl:value-of select="$c/order_id"/></td></tr>
        <tr><th>缴费时间</th><td><xsl:value-of select="$c/paid_at"/></td></tr>
        <tr><th>验证码</th><td><xsl:value-of select="$c/verify_code"/></td></tr>
        <tr><th>入库状态</th><td><xsl:value-of select="$c/settlement"/>
          <xsl:if test="$c/settlement/@date"> (<xsl:value-of select="$c/settlement/@date"/>)</xsl:if></td></tr>
        <tr><th>签名 SM2/SM3</th><td class="sig">key <xsl:value-of select="signature/@key"/><br/>
          <xsl:value-of select="signature"/></td></tr>
      </table>
    </section>
  </xsl:template>
</xsl:stylesheet>
