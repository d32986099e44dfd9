// Server reflection must describe the API as protoc compiles proto/: the real files by their real
// names with their imports, snake_case field names with JSON names, maps as nested `…Entry` types.
// Go's protobuf (grpcurl) and Python's refuse anything else (test/interop/reflection-only.test.ts
// loads what is served into Python's strict pool and calls the broker with it).
import assert from 'node:assert/strict';
import type { IDescriptorProto } from 'protobufjs/ext/descriptor';
import { servedFileDescriptors } from '../../src/broker/reflection-service';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';
import { askReflection, decodeFile, fetchServedDescriptors, filesOf, type ReflectionVersion } from './reflection-client';

const SERVICES = [
  'grpc.health.v1.Health',
  'grpc.reflection.v1.ServerReflection',
  'grpc.reflection.v1alpha.ServerReflection',
  'sluice.v1.Admin',
  'sluice.v1.Data',
  'sluice.v1.Groups',
];
const FILES = [
  'grpc/health/v1/health.proto',
  'grpc/reflection/v1/reflection.proto',
  'grpc/reflection/v1alpha/reflection.proto',
  'sluice/v1/admin.proto',
  'sluice/v1/data.proto',
  'sluice/v1/errors.proto',
  'sluice/v1/groups.proto',
  'sluice/v1/records.proto',
];
const DATA_PROTO_AND_IMPORTS = ['sluice/v1/data.proto', 'sluice/v1/errors.proto', 'sluice/v1/records.proto'];

/** The JSON name protoc gives a field: underscores dropped, the letter after each capitalised. */
const jsonNameOf = (name: string): string => name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** Every message of a file with its full name, nested ones (map entries too) included. */
function messagesOf(prefix: string, messages: readonly IDescriptorProto[] | undefined): { fullName: string; message: IDescriptorProto }[] {
  return (messages ?? []).flatMap((message) => {
    const fullName = `${prefix}.${message.name}`;
    return [{ fullName, message }, ...messagesOf(fullName, message.nestedType)];
  });
}

describe('broker: server reflection serves the API as protoc compiles it', () => {
  let fx: BrokerFixture;
  before(async () => {
    fx = await startBrokerFixture();
  });
  after(async () => fx.close());

  for (const version of ['v1', 'v1alpha'] as ReflectionVersion[]) {
    it(`${version}: lists the Sluice services, health and reflection (not the internal Raft transport)`, async () => {
      const { services, files } = await fetchServedDescriptors(fx.address, version);
      assert.deepEqual([...services].sort(), SERVICES);
      assert.deepEqual([...files.keys()].sort(), FILES);
    });

    it(`${version}: serves each file by its real name with its imports, and the file of each symbol`, async () => {
      const [byName, bySymbol, byMethod, byMapEntry, health, synthetic] = await askReflection(fx.address, version, [
        { file_by_filename: 'sluice/v1/data.proto' },
        { file_containing_symbol: 'sluice.v1.Data' },
        { file_containing_symbol: 'sluice.v1.Data.Produce' },
        { file_containing_symbol: 'sluice.v1.TopicSpec.ConfigsEntry' },
        { file_containing_symbol: 'grpc.health.v1.Health' },
        { file_by_filename: 'sluice_v1.proto' },
      ]);
      for (const answer of [byName!, bySymbol!, byMethod!]) {
        const names = [...filesOf(answer).keys()];
        assert.equal(names[0], 'sluice/v1/data.proto', 'the file asked for comes first');
        assert.deepEqual([...names].sort(), DATA_PROTO_AND_IMPORTS);
      }
      assert.deepEqual([...filesOf(byMapEntry!).keys()], ['sluice/v1/admin.proto', 'sluice/v1/errors.proto']);
      assert.deepEqual([...filesOf(health!).keys()], ['grpc/health/v1/health.proto']);
      assert.equal(synthetic!.error_response?.error_code, 5, 'the old synthetic file is NOT_FOUND');
    });
  }

  it('names every field as the proto does (snake_case) with the JSON name protoc gives it', async () => {
    const { files } = await fetchServedDescriptors(fx.address, 'v1');
    let checked = 0;
    for (const bytes of files.values()) {
      const file = decodeFile(bytes);
      for (const { fullName, message } of messagesOf(file.package ?? '', file.messageType)) {
        for (const field of message.field ?? []) {
          assert.match(field.name ?? '', /^[a-z][a-z0-9_]*$/, `${fullName}.${field.name} is snake_case`);
          assert.equal(field.jsonName, jsonNameOf(field.name ?? ''), `${fullName}.${field.name} has its json_name`);
          checked++;
        }
      }
    }
    assert.ok(checked > 100, `only ${checked} fields served`);
    const data = decodeFile(files.get('sluice/v1/data.proto')!);
    const maxWait = data.messageType?.find((m) => m.name === 'FetchRequest')?.field?.find((f) => f.number === 2);
    assert.deepEqual({ name: maxWait?.name, jsonName: maxWait?.jsonName }, { name: 'max_wait_ms', jsonName: 'maxWaitMs' });
  });

  it('describes each map as a nested `<Field>Entry` type marked map_entry, as Go and Python require', async () => {
    const { files } = await fetchServedDescriptors(fx.address, 'v1');
    const maps: string[] = [];
    for (const bytes of files.values()) {
      const file = decodeFile(bytes);
      for (const { fullName, message } of messagesOf(file.package ?? '', file.messageType)) {
        for (const entry of message.nestedType ?? []) {
          if (!entry.options?.mapEntry) continue;
          const field = message.field?.find((f) => f.typeName === `.${fullName}.${entry.name}`);
          assert.ok(field, `${fullName}.${entry.name} is the entry type of a field`);
          const camel = jsonNameOf(field.name ?? '');
          assert.equal(entry.name, `${camel[0]!.toUpperCase()}${camel.slice(1)}Entry`, `${fullName}.${field.name}'s entry type`);
          assert.deepEqual(entry.field?.map((f) => [f.name, f.number]), [['key', 1], ['value', 2]]);
          maps.push(`${fullName}.${entry.name}`);
        }
      }
    }
    assert.deepEqual(maps.sort(), [
      'grpc.health.v1.HealthListResponse.StatusesEntry',
      'sluice.v1.AlterConfigsRequest.SetEntry',
      'sluice.v1.TopicDescription.ConfigsEntry',
      'sluice.v1.TopicSpec.ConfigsEntry',
    ]);
  });

  it('serves each file byte for byte as protoc compiled it (proto/descriptor-set.binpb)', async () => {
    const committed = new Map(servedFileDescriptors().map((bytes) => [decodeFile(bytes).name, bytes]));
    for (const version of ['v1', 'v1alpha'] as ReflectionVersion[]) {
      const { files } = await fetchServedDescriptors(fx.address, version);
      for (const [name, bytes] of files) assert.ok(committed.get(name)?.equals(bytes), `${version} serves ${name} as committed`);
    }
  });
});
