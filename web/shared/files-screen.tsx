import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { api, uploadFile } from './api';
import { useFormat } from './format';
import { useT, type MessageKey } from './i18n';
import { problemText } from './problem-text';
import { useSession } from './session';

interface FileInfo {
  id: string;
  name: string;
  size: number;
  kind: string;
  createdAt: string;
}

/**
 * Upload with a progress bar, the list, download and delete, on `base` (`/api/files`, the user's
 * own, or `/api/contracts/:no/documents`, a contract's); `camera` lets a phone take a photo.
 */
export function Documents({ base, title, camera = false, level = 1, canChange }: { base: string; title: MessageKey; camera?: boolean; level?: 1 | 2; canChange?: boolean }) {
  const t = useT();
  const format = useFormat();
  const { can } = useSession();
  // A contract's documents: attached and removed by who may change the contract; one's own: by anyone but a viewer.
  const mayChange = canChange ?? can.files;
  const id = useId().replace(/:/g, '');
  const [files, setFiles] = useState<FileInfo[] | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => setFiles((await api<{ items: FileInfo[] }>(base)).items), [base]);
  useEffect(() => {
    void load().catch(() => setFiles([]));
  }, [load]);

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      await uploadFile(file, setProgress, base);
      await load();
    } catch (err) {
      setError(problemText(t, err));
      setProgress(null);
    } finally {
      if (input.current) input.current.value = '';
    }
  };
  const remove = async (f: FileInfo) => {
    setError(null);
    try {
      await api(`${base}/${encodeURIComponent(f.id)}`, { method: 'DELETE' });
      await load();
    } catch (err) {
      setError(problemText(t, err));
    }
  };
  const sizeOf = (n: number) => (n < 1024 ? `${format.number(n)} B` : n < 1024 ** 2 ? `${format.number(Math.round(n / 102.4) / 10)} KiB` : `${format.number(Math.round(n / (1024 ** 2 / 10)) / 10)} MiB`);
  const Heading = level === 1 ? 'h1' : 'h2';

  return (
    <section aria-labelledby={`${id}-title`} className="documents" data-documents={base}>
      <Heading id={`${id}-title`} className="files-title">
        {t(title)}
      </Heading>
      {mayChange && (
        <div className="upload">
          <label htmlFor={`${id}-file`} className="button">
            {t('chooseFile')}
          </label>
          <input id={`${id}-file`} ref={input} type="file" className="visually-hidden file-input" onChange={(e) => void upload(e.target.files?.[0])} />
          {camera && (
            <>
              <label htmlFor={`${id}-photo`} className="button">
                {t('takePhoto')}
              </label>
              <input id={`${id}-photo`} type="file" accept="image/*" capture className="visually-hidden photo-input" onChange={(e) => void upload(e.target.files?.[0])} />
            </>
          )}
          {progress !== null && (
            <div className="progress">
              <progress max={1} value={progress} aria-label={t('uploading')} />
              <span data-testid="upload-percent">{Math.round(progress * 100)}%</span>
            </div>
          )}
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {files === null ? (
        <p>{t('loading')}</p>
      ) : files.length === 0 ? (
        <p className="empty">{t('noFiles')}</p>
      ) : (
        <ul className="file-list">
          {files.map((f) => (
            <li key={f.id} data-file-id={f.id}>
              <span className="file-name">{f.name}</span> <span className="file-size">{sizeOf(f.size)}</span>
              {f.createdAt && <span className="file-size">{format.date(f.createdAt)}</span>}
              <a className="button" href={`${base}/${encodeURIComponent(f.id)}`} download={f.name}>
                {t('download')}
              </a>
              {mayChange && (
                <button type="button" onClick={() => void remove(f)} aria-label={`${t('delete')} ${f.name}`}>
                  {t('delete')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The user's own documents (/api/files). */
export function FilesScreen({ camera = false }: { camera?: boolean }) {
  return <Documents base="/api/files" title="files" camera={camera} />;
}
