import type { Dispatcher } from 'undici';

/** A request option read by the interceptor below: called once the request is about to hit the wire. */
export interface WireTimeOptions {
  onSent?: () => void;
}

const composed = new WeakMap<Dispatcher, Dispatcher>();

/**
 * The dispatcher with one interceptor added: it tells the caller when a request has a connected
 * socket and its headers are being written. The scheduler spaces requests by that moment rather
 * than by when they were handed to undici, because a new connection (TCP, TLS) can hold the first
 * request back long enough for the next one, sent on time, to reach the server too soon after it.
 * Composed once per dispatcher, so tests and callers keep passing in a plain Agent.
 */
export function withWireTime(dispatcher: Dispatcher): Dispatcher {
  let wrapped = composed.get(dispatcher);
  if (!wrapped) {
    wrapped = dispatcher.compose((dispatch) => (options, handler) => {
      const { onSent } = options as WireTimeOptions;
      return dispatch(options, onSent ? announcingStart(handler, onSent) : handler);
    });
    composed.set(dispatcher, wrapped);
  }
  return wrapped;
}

/**
 * undici calls `onConnect` (older handlers) or `onRequestStart` (newer ones) right before writing
 * the request on a connected socket. Everything else passes straight through to the real handler.
 */
function announcingStart<H extends object>(handler: H, onSent: () => void): H {
  return new Proxy(handler, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'onConnect' || property === 'onRequestStart') {
        return (...args: unknown[]) => {
          onSent();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}
