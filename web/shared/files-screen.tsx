import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, uploadFile } from './api';
import { useT } from './i18n';
import { useSession } from './session';

interface FileInfo {
  id: string;
  name: string;
  size: number;
  kind: string;
  createdAt: string;
}

const sizeOf = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`);

/** Upload with a progress bar, the list, download and delete; `camera` lets a phone take a photo. */
export function FilesScreen({ camera = false }: { camera?: boolean }) {
  const t = useT();
  const { can } = useSession();
  const [files, setFiles] = useState<FileInfo[] | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => setFiles((await api<{ items: FileInfo[] }>('/api/files')).items), []);
  useEffect(() => {
    void load().catch(() => setFiles([]));
  }, [load]);

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      await uploadFile(file, setProgress);
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('error'));
      setProgress(null);
    } finally {
      if (input.current) input.current.value = '';
    }
  };
  const remove = async (f: FileInfo) => {
    await api(`/api/files/${encodeURIComponent(f.id)}`, { method: 'DELETE' });
    await load();
  };

  return (
    <section aria-labelledby="files-title">
      <h1 id="files-title">{t('files')}</h1>
      {can.files && (
        <div className="upload">
          <label htmlFor="file-input" className="button">
            {t('chooseFile')}
          </label>
          <input id="file-input" ref={input} type="file" className="visually-hidden" onChange={(e) => void upload(e.target.files?.[0])} />
          {camera && (
            <>
              <label htmlFor="photo-input" className="button">
                {t('takePhoto')}
              </label>
              <input id="photo-input" type="file" accept="image/*" capture className="visually-hidden" onChange={(e) => void upload(e.target.files?.[0])} />
            </>
          )}
          {progress !== null && (
            <div className="progress">
              <progress max={1} value={progress} aria-label={t('uploading')} />
              <span data-testid="upload-percent">{Math.round(progress * 100)}%</span>
            </div>
          )}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
      {files === null ? (
        <p>{t('loading')}</p>
      ) : files.length === 0 ? (
        <p>{t('noFiles')}</p>
      ) : (
        <ul className="file-list">
          {files.map((f) => (
            <li key={f.id} data-file-id={f.id}>
              <span className="file-name">{f.name}</span> <span className="file-size">{sizeOf(f.size)}</span>
              <a className="button" href={`/api/files/${encodeURIComponent(f.id)}`} download={f.name}>
                {t('download')}
              </a>
              {can.files && (
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
