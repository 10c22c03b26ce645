/** The widget's styles, applied inside its shadow root so the host page's styles never reach it. */
export const CSS = `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
.root { position: fixed; bottom: 20px; z-index: 2147483000; font-size: 14px; color: #1f2937; }
.root.right { right: 20px; } .root.left { left: 20px; }
.launcher { border: 0; border-radius: 28px; padding: 14px 20px; color: #fff; background: var(--accent); cursor: pointer; font-size: 15px; box-shadow: 0 4px 16px rgba(0,0,0,.2); }
.launcher .unread { display: inline-block; margin-left: 8px; min-width: 20px; padding: 0 6px; border-radius: 10px; background: #b91c1c; color: #fff; font-size: 12px; font-weight: 600; line-height: 20px; }
.launcher:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
.panel { width: 360px; max-width: calc(100vw - 24px); height: 540px; max-height: calc(100vh - 40px); display: flex; flex-direction: column; background: #fff; border-radius: 12px; box-shadow: 0 8px 32px rgba(0,0,0,.25); overflow: hidden; }
@media (max-width: 480px) { .root { bottom: 0; } .root.right, .root.left { right: 0; left: 0; } .panel { width: 100vw; max-width: 100vw; height: 100vh; max-height: 100vh; border-radius: 0; } .launcher { margin: 12px; } }
header { display: flex; align-items: center; justify-content: space-between; padding: 12px 16px; background: var(--accent); color: #fff; }
header h2 { margin: 0; font-size: 16px; }
header .helping { margin: 2px 0 0; font-size: 12px; opacity: .9; }
header button { background: transparent; border: 0; color: #fff; font-size: 20px; cursor: pointer; line-height: 1; }
.body { flex: 1; overflow-y: auto; padding: 12px 16px; }
form { display: flex; flex-direction: column; gap: 10px; }
label { display: flex; flex-direction: column; gap: 4px; font-size: 13px; color: #374151; }
fieldset { border: 0; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 6px; }
legend { font-size: 13px; color: #374151; margin-bottom: 4px; }
fieldset label { flex-direction: row; align-items: center; gap: 8px; font-size: 14px; color: #111827; }
input, textarea { font: inherit; padding: 8px 10px; border: 1px solid #9ca3af; border-radius: 6px; color: #111827; background: #fff; }
textarea { resize: vertical; min-height: 60px; }
.primary { border: 0; border-radius: 6px; padding: 10px 14px; background: var(--accent); color: #fff; font: inherit; cursor: pointer; }
.primary[disabled] { opacity: .6; cursor: default; }
.link { background: none; border: 0; color: #1d4ed8; cursor: pointer; font: inherit; text-decoration: underline; padding: 0; }
.note { color: #4b5563; font-size: 13px; margin: 8px 0; text-align: center; }
.closed { color: #6b7280; font-size: 12px; }
.greeting { margin: 0 0 12px; }
.lines { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.line { max-width: 80%; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; word-wrap: break-word; }
.line.mine { align-self: flex-end; background: var(--accent); color: #fff; border-bottom-right-radius: 4px; }
.line.theirs { align-self: flex-start; background: #f3f4f6; border-bottom-left-radius: 4px; }
.who { display: block; font-size: 11px; margin-bottom: 2px; }
.mark { display: block; font-size: 11px; text-align: right; margin-top: 2px; }
.composer { display: flex; flex-direction: row; align-items: flex-end; gap: 8px; padding: 10px 12px; border-top: 1px solid #e5e7eb; }
.composer textarea { flex: 1; min-height: 40px; max-height: 120px; }
.attach { position: relative; flex-direction: row; align-items: center; justify-content: center; width: 40px; height: 40px; border: 1px solid #9ca3af; border-radius: 6px; cursor: pointer; font-size: 18px; }
.attach input { position: absolute; inset: 0; opacity: 0; cursor: pointer; width: 100%; padding: 0; }
.attach:focus-within { outline: 3px solid #2563eb; outline-offset: 2px; }
.chat-file { display: block; color: inherit; }
.chat-file img { display: block; max-width: 100%; height: auto; border-radius: 8px; background: #e5e7eb; }
.mark.error { color: #fee2e2; }
.line.theirs .mark.error { color: #b91c1c; }
.stars { display: flex; gap: 4px; }
.stars button { font-size: 26px; background: none; border: 0; cursor: pointer; color: #9ca3af; padding: 0 2px; }
.stars button[aria-pressed="true"] { color: #b45309; }
.choices { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.choices .note { flex-basis: 100%; margin: 0; }
.choices button { font: inherit; font-size: 13px; padding: 4px 10px; border: 1px solid #d1d5db; border-radius: 999px; background: #fff; color: #374151; cursor: pointer; white-space: nowrap; }
.choices button[aria-pressed="true"] { border-color: var(--accent); background: var(--accent); color: #fff; }
.error { color: #b91c1c; font-size: 13px; }
.status { font-size: 12px; color: #4b5563; padding: 4px 16px; }
`;
