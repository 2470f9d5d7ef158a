/** The file kinds an upload may be; each is recognised by content and extension in core/files. */
export const FILE_KINDS = ['pdf', 'png', 'jpeg', 'gif', 'zip', 'xlsx', 'docx', 'pptx', 'txt', 'csv'] as const;

export type FileKind = (typeof FILE_KINDS)[number];
