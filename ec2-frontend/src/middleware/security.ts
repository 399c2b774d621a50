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
    // Without a certificate the site is plain HTTP behind the load balancer; HSTS would do nothing useful.
    strictTransportSecurity: false,
    frameguard: { action: 'deny' },
    // Same-origin requests keep their Origin (no-referrer would make a form post's Origin "null").
    referrerPolicy: { policy: 'same-origin' },
  });
}
