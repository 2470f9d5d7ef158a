import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';

type Operation = { responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
type OpenApiDocument = { paths: Record<string, Record<string, Operation>> };

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Checks real answers against an app's OpenAPI document: the route (method and path template) must
 * be in it, the status among its responses, the content type among that response's, and the body
 * valid against its schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses). Records which routes
 * were answered, so a test can require every documented route to have been seen.
 */
export function openApiConformance(name: string, document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addSchema(document, name);
  // Literal paths before templated ones: /sagas/dead-letters is not /sagas/{globalNo}.
  const templates = Object.keys(document.paths)
    .map((template) => ({ template, params: (template.match(/\{/g) ?? []).length, regex: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`) }))
    .sort((a, b) => a.params - b.params);
  const seen = new Set<string>();
  const failures: string[] = [];

  const check = (method: string, url: string, status: number, contentType: string | undefined, body: unknown, text: string) => {
    const path = new URL(url, 'http://x').pathname;
    const match = templates.find((t) => t.regex.test(path));
    const operation = match && document.paths[match.template][method.toLowerCase()];
    const where = `${name}: ${method} ${path} → ${status}`;
    if (!match || !operation) return failures.push(`${where}: the route is not in the document`);
    seen.add(`${method.toUpperCase()} ${match.template}`);
    const response = operation.responses[String(status)];
    if (!response) return failures.push(`${where}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`);
    const type = contentType?.split(';')[0].trim();
    if (!response.content) {
      // A redirect's short hypertext note (Express's "Found. Redirecting to …") is not a body.
      if (text && !(status >= 300 && status < 400)) failures.push(`${where}: documented without a body, answered ${type} ${text.slice(0, 80)}`);
      return;
    }
    // The exact type, else a documented range (`*/*`: a download in the stored file's own type).
    const documentedType = type && [type, `${type.split('/')[0]}/*`, '*/*'].find((t) => response.content![t]);
    if (!documentedType) return failures.push(`${where}: content type ${type} not documented (documented: ${Object.keys(response.content).join(', ')})`);
    const ref = `${name}#/${pointer('paths', match.template, method.toLowerCase(), 'responses', String(status), 'content', documentedType, 'schema')}`;
    const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
    const value = /json/.test(documentedType) ? body : text;
    if (!validate(value)) failures.push(`${where}: ${ajv.errorsText(validate.errors, { dataVar: 'body' })} — ${JSON.stringify(value).slice(0, 300)}`);
  };

  return {
    /** One real answer (supertest's Response); returns it, so a call reads `seen(await agent.get(...))`. */
    seen: (res: Response): Response => {
      const req = (res as unknown as { req: { method: string; path: string } }).req;
      check(req.method, req.path, res.status, res.headers['content-type'], res.body, res.text ?? '');
      return res;
    },
    failures,
    /** Documented routes no answer was seen for. */
    unseen: () =>
      Object.entries(document.paths)
        .flatMap(([template, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${template}`))
        .filter((route) => !seen.has(route)),
  };
}
