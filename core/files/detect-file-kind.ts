import path from 'node:path';
import type { FileKind } from '../../config/file-kinds';

/** How many leading bytes the content check looks at. */
export const SNIFF_BYTES = 4096;

const startsWith = (...signatures: string[]) => (head: Buffer) => signatures.some((s) => head.subarray(0, s.length).equals(Buffer.from(s, 'latin1')));
const zip = startsWith('PK\x03\x04', 'PK\x05\x06');

/** Text has no control bytes but tab, line breaks and form feed; any encoding (UTF-8, CP949) passes. */
function looksLikeText(head: Buffer): boolean {
  return !head.some((b) => (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) || b === 0x7f);
}

function isUtf8(head: Buffer): boolean {
  try {
    // stream: true tolerates a character cut at the end of the sniffed window.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

// An OOXML document is a ZIP archive; its inner layout is not checked.
const KINDS: Record<FileKind, { extensions: string[]; content: (head: Buffer) => boolean; contentType: string }> = {
  pdf: { extensions: ['.pdf'], content: startsWith('%PDF-'), contentType: 'application/pdf' },
  png: { extensions: ['.png'], content: startsWith('\x89PNG\r\n\x1a\n'), contentType: 'image/png' },
  jpeg: { extensions: ['.jpg', '.jpeg'], content: startsWith('\xff\xd8\xff'), contentType: 'image/jpeg' },
  gif: { extensions: ['.gif'], content: startsWith('GIF87a', 'GIF89a'), contentType: 'image/gif' },
  zip: { extensions: ['.zip'], content: zip, contentType: 'application/zip' },
  xlsx: { extensions: ['.xlsx'], content: zip, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  docx: { extensions: ['.docx'], content: zip, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  pptx: { extensions: ['.pptx'], content: zip, contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' },
  txt: { extensions: ['.txt'], content: looksLikeText, contentType: 'text/plain' },
  csv: { extensions: ['.csv'], content: looksLikeText, contentType: 'text/csv' },
};

export interface DetectedKind {
  kind: FileKind;
  contentType: string;
}

/**
 * The file's kind when its extension and its first bytes agree on an allowed kind; null otherwise
 * (a PNG named .pdf, an executable named .txt). The content type served later comes from here,
 * never from the client's declared type.
 */
export function detectFileKind(head: Buffer, fileName: string, allowed: readonly FileKind[]): DetectedKind | null {
  const extension = path.extname(fileName).toLowerCase();
  const kind = allowed.find((k) => KINDS[k].extensions.includes(extension));
  if (!kind || !KINDS[kind].content(head)) return null;
  const { contentType } = KINDS[kind];
  return { kind, contentType: contentType.startsWith('text/') && isUtf8(head) ? `${contentType}; charset=utf-8` : contentType };
}

export function extensionsOf(allowed: readonly FileKind[]): string[] {
  return allowed.flatMap((k) => KINDS[k].extensions);
}
