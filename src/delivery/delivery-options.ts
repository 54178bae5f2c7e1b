/** How the change stream behaves; DeliveryModule.forRoot takes any part of it (tests shorten the heartbeat). */
export interface DeliveryOptions {
  /**
   * A comment line is sent this often, so proxies and load balancers do not cut an idle stream and a client
   * can tell a quiet stream from a dead one.
   */
  heartbeatMs: number;
  /**
   * A client whose unsent output grows beyond this many bytes cannot keep up: it is disconnected rather
   * than buffered without bound, and resumes with Last-Event-ID.
   */
  maxBufferedBytes: number;
  /**
   * Streams one principal (token) may hold open at once. An SDK client holds one; the bound stops a buggy
   * or hostile client from exhausting sockets and memory. Size it for the instances that share a token.
   */
  maxStreamsPerPrincipal: number;
}

export const DELIVERY_OPTIONS = Symbol('DELIVERY_OPTIONS');

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = Object.freeze({
  heartbeatMs: 15_000,
  maxBufferedBytes: 1024 * 1024,
  maxStreamsPerPrincipal: 100,
});

/**
 * How many events behind the head a Last-Event-ID may be and still be replayed event by event; a client
 * further behind gets a fresh snapshot instead, which is smaller than the backlog and bounds the replay read.
 */
export const MAX_RESUME_GAP = 1000;
