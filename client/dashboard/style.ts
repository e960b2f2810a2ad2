/**
 * The dashboard's one stylesheet, served as `/tableau-de-bord/style.css` (the page's content
 * security policy allows styles from the site only). Contrasts meet WCAG AA; focus is visible.
 */
export const STYLE_CSS = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --line: #c8c8c8; --accent: #00508f; --alert: #8a1c00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.skip { position: absolute; left: -10000px; top: 0; background: #fff; padding: .5rem 1rem; }
.skip:focus { left: 1rem; z-index: 10; }
header.site { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem 2rem; padding: .75rem 1.5rem; border-bottom: 4px solid var(--accent); background: #f5f7fa; }
.brand { margin: 0; font-weight: 700; font-size: 1.1rem; }
.brand span { font-weight: 400; color: var(--muted); }
nav ul { display: flex; gap: 1.25rem; list-style: none; margin: 0; padding: 0; }
nav a { text-decoration: none; font-weight: 600; padding: .25rem 0; }
nav a[aria-current="page"] { border-bottom: 3px solid var(--accent); color: var(--ink); }
.who { margin-left: auto; display: flex; align-items: center; gap: .75rem; font-size: .9rem; color: var(--muted); }
.who p { margin: 0; }
main { display: block; max-width: 1200px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.7rem; margin: .5rem 0; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.freshness, .hint { color: var(--muted); font-size: .9rem; }
.hint { margin: .15rem 0 0; }
.alert { border-left: 6px solid var(--alert); background: #fff4f0; padding: .5rem 1rem; color: var(--alert); font-weight: 600; }
form.filters { display: flex; flex-wrap: wrap; align-items: flex-start; gap: .75rem 1.25rem; padding: .75rem 1rem; background: #f5f7fa; border: 1px solid var(--line); }
form.filters div { display: flex; flex-direction: column; }
label { font-weight: 600; }
input, select { font: inherit; padding: .3rem .5rem; border: 1px solid #6b6b6b; border-radius: 3px; min-width: 9rem; }
button { font: inherit; font-weight: 600; padding: .35rem 1rem; border: 2px solid var(--accent); background: var(--accent); color: #fff; border-radius: 3px; cursor: pointer; }
form.filters button { align-self: flex-end; margin-top: 1.6rem; }
.who button { background: #fff; color: var(--accent); padding: .2rem .6rem; }
form.login { display: flex; flex-direction: column; gap: .35rem; max-width: 32rem; }
form.login button { align-self: flex-start; margin-top: .75rem; }
.downloads { font-size: .95rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); background: #f5f7fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.overdue td:first-child, tr.overdue strong { color: var(--alert); }
.id { display: block; font-weight: 400; font-size: .8rem; color: var(--muted); }
figure.chart { margin: 1.5rem 0; }
figure.chart figcaption { font-weight: 600; margin-bottom: .5rem; }
figure.chart svg { max-width: 900px; height: auto; display: block; }
svg .tick { font-size: 11px; fill: #333; font-family: system-ui, Arial, sans-serif; }
ul.legend { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; list-style: none; padding: 0; margin: .5rem 0; font-size: .9rem; }
ul.legend li { display: flex; align-items: center; gap: .35rem; }
details { margin: .75rem 0; }
summary { cursor: pointer; color: var(--accent); font-weight: 600; }
footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; padding: 1rem 1.5rem; max-width: 1200px; margin: 0 auto; }
code { font-size: .9em; }
`;
