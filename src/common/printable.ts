/**
 * Text fit for a terminal. A terminal acts on control characters: ESC starts
 * sequences that move the cursor, clear the screen, retitle the window or
 * write to the clipboard; C1 controls (U+0080–U+009F, such as CSI U+009B) do
 * the same on many terminals. Whatever fahras prints that it did not write
 * itself — file names, ids, messages quoting files, request addresses in the
 * logs — goes through here first.
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- the same but tab and line feed
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const C1_AND_DEL = /[\u007f-\u009f]/g;

const hex = (c: string, width: number): string => c.charCodeAt(0).toString(16).padStart(width, '0');

/** `s` with every control character written as an escape (`\x1b`), so it shows and does nothing; `lines` keeps tabs and line feeds. */
export function escapeControls(s: string, lines = false): string {
  return s.replace(lines ? CONTROLS_BUT_LINES : CONTROLS, (c) => `\\x${hex(c, 2)}`);
}

/** At most `max` characters of `s`, with controls escaped and an ellipsis where it was cut: for quoting something read from a file in a message. */
export function excerpt(s: string, max = 60): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return escapeControls(cut);
}

/**
 * JSON text with DEL and the C1 controls escaped as `\u0080`…: JSON.stringify
 * escapes C0 controls but writes these as they are. The JSON means the same.
 */
export function printableJson(json: string): string {
  return json.replace(C1_AND_DEL, (c) => `\\u${hex(c, 4)}`);
}
