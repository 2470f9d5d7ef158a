/** Control characters and the bidi overrides that make `evil‮fdp.exe` display as `evilexe.pdf`. */
const UNSAFE = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The name shown to the user and offered on download: NFC (macOS sends Korean decomposed), no
 * directory part, no control characters, at most 200 characters keeping the extension.
 */
export function safeFileName(original: string | undefined): string {
  const base = (original ?? '').normalize('NFC').split(/[\\/]/).pop()!.replace(UNSAFE, '').trim();
  if (!base || base === '.' || base === '..') return 'file';
  if (base.length <= 200) return base;
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 && base.length - dot <= 10 ? base.slice(dot) : '';
  return base.slice(0, 200 - extension.length) + extension;
}
