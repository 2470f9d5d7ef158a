import { Router, type RequestHandler, type RouterOptions } from 'express';
import { validate } from '../http/validate';
import type { ApiRoute, DocumentedRoute } from './api-route';

/**
 * A router whose only way to add a route is `route(spec, ...handlers)`: the spec (its request
 * schemas, which validate the request, and its responses) goes into `list`, from which the app's
 * OpenAPI document is built, so a route cannot be served without being documented.
 * `mountPath` is where the caller mounts `router` (OpenAPI style, `''` at the root).
 */
export function documentedRouter(list: DocumentedRoute[], mountPath: string, options?: RouterOptions) {
  const router = Router(options);
  const route = (spec: ApiRoute, ...handlers: RequestHandler[]) => {
    const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1') || '/';
    const { params, query, headers: _documentedOnly, body } = spec.validatedElsewhere ? {} : (spec.request ?? {});
    const checks = [params && validate(params, 'params'), query && validate(query, 'query'), body && validate(body, 'body')].filter((c): c is RequestHandler => !!c);
    router[spec.method](expressPath, ...(spec.guards ?? []), ...checks, ...handlers);
    list.push({ ...spec, fullPath: `${mountPath}${spec.path}`.replace(/(.)\/$/, '$1') || '/' });
  };
  return { router, route };
}
