/**
 * Request ids and request logs: the load balancer's trace id (or a new one) on every answer, and
 * one JSON line per request.
 */
import type { RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { log } from '../../../core/log';

const INCOMING_ID = /^[\w=;.:-]{1,200}$/;

/** A request id (the load balancer's trace id when present), echoed back, and one JSON log line per request. */
export function requestLog(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id') ?? req.get('x-amzn-trace-id');
    const id = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      log(res.statusCode >= 500 ? 'error' : 'info', 'request', {
        requestId: id,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ip: req.ip,
      });
    });
    next();
  };
}
