/** The example app's one stylesheet: no inline style anywhere, so the CSP can forbid it. */
export const STYLESHEET = `
:root { --ink: #1d2433; --muted: #5b6478; --line: #e1e4ec; --accent: #b3282d; --bg: #f3f4f8; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; gap: .75rem; align-items: baseline; padding: 1rem max(1rem, calc(50vw - 21rem)); background: #fff; border-bottom: 1px solid var(--line); }
header span, .muted { color: var(--muted); font-size: .9rem; }
.brand { font-weight: 600; color: var(--ink); text-decoration: none; }
main { max-width: 44rem; margin: 2rem auto; padding: 0 1rem; display: grid; gap: 1rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .75rem; }
h2 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
.card > h2:first-child { margin-top: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1.5rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
code { font-size: .9em; }
.locations { list-style: none; padding: 0; margin: 0; }
.locations li { display: flex; justify-content: space-between; gap: 1rem; padding: .4rem 0; border-top: 1px solid var(--line); }
.place { text-transform: capitalize; }
.device { align-items: center; }
.device form { margin: 0; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; align-items: center; }
.actions form { margin: 0; }
.button, button { display: inline-block; padding: .55rem 1.1rem; border-radius: 8px; border: 1px solid var(--accent); background: var(--accent); color: #fff; font: inherit; text-decoration: none; cursor: pointer; }
.secondary { background: #fff; color: var(--accent); }
.status.signed-in::before { content: "● "; color: #2e7d32; }
.status.signed-out::before { content: "○ "; color: var(--muted); }
pre { overflow: auto; font-size: .8rem; background: var(--bg); padding: 1rem; border-radius: 8px; }
summary { cursor: pointer; font-weight: 600; }
.stack { display: grid; gap: .75rem; margin: 1rem 0; max-width: 22rem; }
.stack label { display: grid; gap: .25rem; }
.stack input:not([type=radio]) { font: inherit; padding: .5rem .6rem; border: 1px solid var(--line); border-radius: 8px; }
.choice { display: flex !important; gap: .5rem; align-items: center; }
.error { color: var(--accent); font-weight: 600; }
@media (max-width: 30rem) { dl { grid-template-columns: 1fr; } dt { margin-top: .5rem; } }
`;
