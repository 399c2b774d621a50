/**
 * Security headers on every answer: a strict CSP, no framing, no sniffing, and HSTS behind HTTPS.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Security headers: a strict CSP (no inline code, nothing from elsewhere), no framing. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // Sent by `strictTransport` below, and only over HTTPS: a browser ignores it over plain HTTP.
    strictTransportSecurity: false,
    frameguard: { action: 'deny' },
    // Same-origin requests keep their Origin (no-referrer would make a form post's Origin "null").
    referrerPolicy: { policy: 'same-origin' },
  });
}

/** A year of HSTS on every answer that came over HTTPS (the load balancer says so in X-Forwarded-Proto). */
export const HSTS_VALUE = 'max-age=31536000';

export function strictTransport(): RequestHandler {
  return (req, res, next) => {
    if (req.secure) res.set('Strict-Transport-Security', HSTS_VALUE);
    next();
  };
}
