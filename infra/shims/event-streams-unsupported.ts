// Bundled in place of @smithy/core/event-streams (esbuild `alias`, see infra/bundling.ts).
// Event streams carry the responses of a few operations (S3 SelectObjectContent and the like) that the
// pipeline never calls. The S3 client still builds a marshaller when it is created, and the protocol loads
// the serde with a dynamic import, which esbuild can only bundle whole. Same names; the client is created
// as before, and an event-stream operation fails with this error instead of running.
const unsupported = (): never => {
  throw new Error('Event-stream operations are not available: @smithy/core/event-streams is not bundled.');
};

/** The same as @smithy/core's: the marshaller comes from the client's `eventStreamSerdeProvider`. */
export function resolveEventStreamSerdeConfig<T extends { eventStreamSerdeProvider: (config: T) => unknown }>(
  input: T,
): T & { eventStreamMarshaller: unknown } {
  return Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
}

export const eventStreamSerdeProvider = () => ({ serialize: unsupported, deserialize: unsupported });

export class EventStreamSerde {
  constructor() {
    unsupported();
  }
}
