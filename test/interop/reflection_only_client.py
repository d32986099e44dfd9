"""A client that knows nothing of Sluice but what server reflection served.

Loads the served descriptors (a FileDescriptorSet written by test/interop/reflection-only.test.ts)
into a fresh, strict protobuf descriptor pool -- the checks Go's protodesc.NewFiles (grpcurl) makes
too: map entry names, json names, imports -- then builds every message dynamically from it and
calls CreateTopics, Produce, Fetch and grpc.health.v1.Health/Check. Prints one line per answer.
Then, as grpcurl would, runs the README's grpcurl commands given in README_FILE (a JSON list of
{"describe": SYMBOL} or {"method": "Service/Method", "body": REQUEST}).

    python3 reflection_only_client.py SET_FILE HOST:PORT TOPIC [README_FILE]
"""
import base64
import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


def load_pool(path):
    """Every file of the set, each after its imports; building each one runs the pool's checks."""
    with open(path, 'rb') as f:
        files = list(descriptor_pb2.FileDescriptorSet.FromString(f.read()).file)
    pool = descriptor_pool.DescriptorPool()
    loaded = set()
    while files:
        ready = [f for f in files if all(d in loaded for d in f.dependency)]
        if not ready:
            sys.exit('imports that were not served: ' + ', '.join(sorted({d for f in files for d in f.dependency} - loaded)))
        for file in ready:
            pool.Add(file)
            pool.FindFileByName(file.name)
            loaded.add(file.name)
        files = [f for f in files if f.name not in loaded]
    return pool


def message_class(descriptor):
    # GetMessageClass from protobuf 4.22; Debian's 4.21 has only the factory.
    if hasattr(message_factory, 'GetMessageClass'):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(descriptor.file.pool).GetPrototype(descriptor)


def call(channel, pool, service, method, request):
    """A unary call whose messages come from the pool; request and answer as JSON objects."""
    rpc = pool.FindServiceByName(service).FindMethodByName(method)
    request_class, response_class = message_class(rpc.input_type), message_class(rpc.output_type)
    stub = channel.unary_unary(f'/{service}/{method}', request_serializer=request_class.SerializeToString,
                               response_deserializer=response_class.FromString)
    answer = stub(json_format.ParseDict(request, request_class()), timeout=30)
    return json_format.MessageToDict(answer, preserving_proto_field_name=True, including_default_value_fields=True)


def main():
    set_file, address, topic = sys.argv[1:4]
    pool = load_pool(set_file)
    with grpc.insecure_channel(address) as channel:
        # A map field (configs) and a JSON name (replicationFactor) in one request.
        created = call(channel, pool, 'sluice.v1.Admin', 'CreateTopics',
                       {'topics': [{'name': topic, 'partitions': 1, 'replicationFactor': 1, 'configs': {'retention.ms': '3600000'}}]})
        print('CreateTopics', json.dumps(created['topics'][0]['error_code']))
        # Partition 0 and acks ACKS_ALL are proto3 defaults: absent from the wire.
        value = base64.b64encode(b'from reflection').decode()
        produced = call(channel, pool, 'sluice.v1.Data', 'Produce',
                        {'partitions': [{'topic': topic, 'batch': {'records': [{'key': base64.b64encode(b'k').decode(), 'value': value}]}}]})
        result = produced['partitions'][0]
        print('Produce', result['error_code'], result['base_offset'])
        fetched = call(channel, pool, 'sluice.v1.Data', 'Fetch', {'partitions': [{'topic': topic}], 'max_wait_ms': 0})
        partition = fetched['partitions'][0]
        records = [r for b in partition['batches'] for r in b['batch']['records']]
        print('Fetch', partition['error_code'], partition['high_watermark'],
              json.dumps([base64.b64decode(r['value']).decode() for r in records]))
        for service in ('', 'sluice.v1.Data'):
            health = call(channel, pool, 'grpc.health.v1.Health', 'Check', {'service': service})
            print('Health/Check', json.dumps(service), health['status'])
        if len(sys.argv) > 4:
            run_readme_commands(channel, pool, sys.argv[4])


def run_readme_commands(channel, pool, path):
    with open(path) as f:
        commands = json.load(f)
    for command in commands:
        if 'describe' in command:
            symbol = command['describe']
            print('README describe', symbol, pool.FindFileContainingSymbol(symbol).name)
        else:
            service, method = command['method'].split('/')
            print('README', command['method'], json.dumps(call(channel, pool, service, method, command['body']), sort_keys=True))


if __name__ == '__main__':
    main()
