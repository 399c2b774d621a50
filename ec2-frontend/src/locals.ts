/** What the middleware puts on `res.locals`, typed once for every handler (declaration merging). */
declare global {
  namespace Express {
    interface Locals {
      /** The request's id: the load balancer's trace id when present, else a new UUID. */
      requestId: string;
    }
  }
}

export {};
