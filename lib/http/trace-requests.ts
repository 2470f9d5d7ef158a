import type { RequestHandler } from 'express';
import { routeLabel } from './metrics';
import { bindEmitter, contextFrom, markError, runInContext, SpanKind, startSpan, tracingOn } from '../telemetry/trace';

/**
 * A server span per request, child of the caller's `traceparent` (the browser's, the BFF's, MS1's),
 * carrying the request's globalNo; named by route pattern when the response is finished. Mounted
 * right after assignGlobalNo. Nothing at all when tracing is off.
 */
export function traceRequests(): RequestHandler {
  return (req, res, next) => {
    if (!tracingOn()) return next();
    const started = startSpan(req.method, {
      kind: SpanKind.SERVER,
      parent: contextFrom(req.headers, req.globalNo),
      attributes: { 'http.request.method': req.method, 'url.path': req.path },
    });
    if (!started) return next();
    const { span, context } = started;
    res.once('finish', () => {
      const route = routeLabel(req, res.statusCode);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) markError(span, `HTTP ${res.statusCode}`);
      span.end();
    });
    res.once('close', () => {
      if (res.writableFinished) return;
      markError(span, 'connection closed before the response was sent');
      span.end();
    });
    // The body parsers read the request in socket callbacks: their listeners must run in our context.
    bindEmitter(context, req);
    runInContext(context, next);
  };
}
