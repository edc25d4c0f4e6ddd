/** One small stylesheet, served as a file so the CSP can forbid inline styles and scripts. Narrow screens first (375 px). */
export const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:"WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#f6f7f9}
header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem;padding:.6rem 1rem;background:#8b1e1e;color:#fff}
header a,header .link{color:#fff}
.home{font-weight:bold;text-decoration:none}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.2rem 0 1rem}
h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
.en{color:#666;font-size:.85em;font-weight:normal}
header .en{color:#f3dada}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.8rem 1rem;margin:.6rem 0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
label{display:block;margin:.6rem 0 .2rem;font-weight:bold}
input[type=text],input[type=email],input[type=number],textarea,select{width:100%;max-width:32rem;padding:.5rem;font-size:1rem;border:1px solid #bbb;border-radius:4px}
textarea{min-height:6rem}
button,.button{display:inline-block;margin:.6rem .4rem .2rem 0;padding:.55rem 1rem;font-size:1rem;border:0;border-radius:4px;background:#8b1e1e;color:#fff;text-decoration:none;cursor:pointer}
button.secondary{background:#555}
button.link{background:none;padding:0;margin:0;text-decoration:underline}
form.inline{display:inline}
.who{font-size:.85rem}
.error{border-left:4px solid #c00}
.ok{border-left:4px solid #2a7}
.late,.missing{background:#fde2e2}
.on-time{background:#e1f5e8}
.filed{background:#e6effc}
.not-due{background:#f7f7f7;color:#777}
.before-adoption{color:#999;font-style:italic}
.muted{color:#666}
.light-red{color:#b00;font-weight:600}
.light-amber{color:#a60;font-weight:600}
.light-green{color:#1a7a3a}
.light-unknown{color:#777}
.cells td{text-align:center;font-size:.85rem;white-space:nowrap}
@media (max-width:480px){main{padding:.6rem}h1{font-size:1.15rem}th,td{padding:.3rem}
table.stack thead{display:none}table.stack tr{display:block;border:1px solid #ddd;margin:.5rem 0;background:#fff}table.stack td{display:block;border:0;padding:.25rem .6rem}}
.cells td:first-child{text-align:left;white-space:normal}
`;
