// A proto3 client leaves every field at its default value off the wire. protobufjs alone keeps
// those defaults on the decoded message's prototype, so a spread ({ ...p }) silently dropped them:
// Subscribe copied its partitions that way and a client in another language that subscribed to
// partition 0 from offset 0 got INTERNAL. Decoded messages now carry their defaults as own
// properties (proto-root.ts), so a copy of one is the whole message.
import assert from 'node:assert/strict';
import type * as protobuf from 'protobufjs';
import { brokerProtoRoot, publicProtoRoot } from '../../src/protocol/proto-root';
import { serviceDefinition } from '../../src/protocol/services';
import type { FetchPartition } from '../../src/protocol/wire-types';

function messageTypes(ns: protobuf.NamespaceBase): protobuf.Type[] {
  return ns.nestedArray.flatMap((nested) => {
    const inner = 'nestedArray' in nested ? messageTypes(nested as protobuf.NamespaceBase) : [];
    return 'fieldsArray' in nested ? [nested as protobuf.Type, ...inner] : inner;
  });
}

describe('protocol: decoded messages carry their default values as own properties', () => {
  for (const [view, root] of [['public', publicProtoRoot], ['broker', brokerProtoRoot]] as const) {
    it(`a spread keeps every field of every ${view}-view message sent empty`, () => {
      const types = messageTypes(root());
      assert.ok(types.length > 40, `found only ${types.length} message types`);
      for (const type of types) {
        const decoded = type.decode(Buffer.alloc(0)) as unknown as Record<string, unknown>;
        const copy = { ...decoded };
        for (const field of type.fieldsArray) {
          assert.ok(Object.hasOwn(copy, field.name), `${type.fullName}.${field.name} is lost by a spread`);
          assert.deepEqual(copy[field.name], decoded[field.name], `${type.fullName}.${field.name}`);
        }
      }
    });
  }

  it('the Subscribe request as the broker decodes it: partition 0 from offset 0 survives the copy', () => {
    const subscribe = serviceDefinition(brokerProtoRoot(), 'sluice.v1.Data')['subscribe']!;
    // Only the topic is on the wire, as a proto3 client in any other language would send it.
    const bytes = publicProtoRoot().lookupType('sluice.v1.SubscribeRequest').encode({ partitions: [{ topic: 'd' }] }).finish();
    const request = subscribe.requestDeserialize(Buffer.from(bytes)) as { partitions: FetchPartition[] };
    const positions = request.partitions.map((p) => ({ ...p }));
    assert.deepEqual(positions, [{ topic: 'd', partition: 0, offset: 0, maxBytes: 0, topicId: '' }]);
  });

  it('a message built by fromObject() or create() holds only what it was given, so its encoding names no default', () => {
    // The broker's batch scanner refuses a batch naming record_count without compression, even as 0.
    const type = publicProtoRoot().lookupType('sluice.v1.RecordBatch');
    const plain = { baseTimestampMs: 5, records: [{ value: Buffer.from('v') }] };
    const expected = Buffer.from(type.encode(plain).finish());
    assert.deepEqual(Buffer.from(type.encode(type.fromObject(plain)).finish()), expected);
    assert.deepEqual(Buffer.from(type.encode(type.create(plain)).finish()), expected);
  });
});
