#!/usr/bin/env python3
"""A Sluice client in Python, from nothing but proto/ (stubs made by generate.sh).

Creates a topic, produces keyed records (Kafka's murmur2 partitioner), reads them back with
Subscribe from offset 0, replays from a timestamp, commits and fetches a consumer group's
offsets, and follows NOT_LEADER answers to the partition's leader.

    ./generate.sh && python3 sluice_example.py 127.0.0.1:9092 [topic]
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen"))

import grpc  # noqa: E402
from sluice.v1 import admin_pb2, admin_pb2_grpc  # noqa: E402
from sluice.v1 import data_pb2, data_pb2_grpc  # noqa: E402
from sluice.v1 import errors_pb2  # noqa: E402
from sluice.v1 import groups_pb2, groups_pb2_grpc  # noqa: E402
from sluice.v1 import records_pb2  # noqa: E402

PARTITIONS = 3
RECORDS = [("alice", "book"), ("carol", "lamp"), ("alice", "pen"), ("dave", "mug")]


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (the Java client's Utils.murmur2), as an unsigned 32-bit value."""
    m, r = 0x5BD1E995, 24
    h = (0x9747B28C ^ len(data)) & 0xFFFFFFFF
    whole = len(data) - len(data) % 4
    for i in range(0, whole, 4):
        k = (int.from_bytes(data[i:i + 4], "little") * m) & 0xFFFFFFFF
        k ^= k >> r
        h = ((h * m) & 0xFFFFFFFF) ^ ((k * m) & 0xFFFFFFFF)
    tail = data[whole:]
    if len(tail) == 3:
        h ^= tail[2] << 16
    if len(tail) >= 2:
        h ^= tail[1] << 8
    if len(tail) >= 1:
        h = ((h ^ tail[0]) * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    return h ^ (h >> 15)


def partition_for(key: bytes, partitions: int) -> int:
    """Kafka's default partitioner: toPositive(murmur2(key)) % partitions."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


class Brokers:
    """One channel per broker address; requests for a partition go to its leader."""

    def __init__(self, bootstrap: str):
        self.bootstrap = bootstrap
        self.channels = {}
        self.leaders = {}  # (topic, partition) -> address

    def channel(self, address: str) -> grpc.Channel:
        if address not in self.channels:
            self.channels[address] = grpc.insecure_channel(address)
        return self.channels[address]

    def data(self, topic: str, partition: int) -> data_pb2_grpc.DataStub:
        return data_pb2_grpc.DataStub(self.channel(self.leaders.get((topic, partition), self.bootstrap)))

    def follow(self, topic: str, partition: int, leader_hint: str) -> None:
        """NOT_LEADER names the leader when the broker knows it; else ask the bootstrap broker again."""
        self.leaders[(topic, partition)] = leader_hint or self.bootstrap
        print(f"not the leader of {topic}/{partition}: following {self.leaders[(topic, partition)]}")

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()


def produce(brokers: Brokers, topic: str, partition: int, key: bytes, value: bytes) -> int:
    """Appends one record (acks=all, the default) and returns its offset."""
    now = int(time.time() * 1000)
    batch = records_pb2.RecordBatch(base_timestamp_ms=now, max_timestamp_ms=now, records=[records_pb2.Record(key=key, value=value)])
    for _ in range(10):
        request = data_pb2.ProduceRequest(partitions=[data_pb2.ProducePartition(topic=topic, partition=partition, batch=batch)])
        result = brokers.data(topic, partition).Produce(request, timeout=30).partitions[0]
        if result.error_code == errors_pb2.NONE:
            return result.base_offset
        if result.error_code != errors_pb2.NOT_LEADER:
            raise RuntimeError(f"produce to {topic}/{partition}: {errors_pb2.ErrorCode.Name(result.error_code)}: {result.error_message}")
        brokers.follow(topic, partition, result.leader_hint)
        time.sleep(0.2)
    raise RuntimeError(f"produce to {topic}/{partition}: no leader found")


def subscribe(brokers: Brokers, topic: str, offsets: dict, count: int) -> list:
    """Reads `count` records with one Subscribe stream, from each partition's offset in `offsets`."""
    request = data_pb2.SubscribeRequest(partitions=[data_pb2.FetchPartition(topic=topic, partition=p, offset=o) for p, o in offsets.items()])
    stream = brokers.data(topic, 0).Subscribe(request, timeout=30)
    records = []
    try:
        for push in stream:
            for result in push.partitions:
                if result.error_code != errors_pb2.NONE:
                    raise RuntimeError(f"subscribe {topic}/{result.partition}: {errors_pb2.ErrorCode.Name(result.error_code)}: {result.error_message}")
                for fetched in result.batches:
                    for i, record in enumerate(fetched.batch.records):
                        offset = fetched.base_offset + i
                        if offset >= offsets[result.partition]:  # a batch may start before the offset asked for
                            records.append((result.partition, offset, record.key.decode(), record.value.decode()))
            if len(records) >= count:
                return records
    finally:
        stream.cancel()
    return records


def main() -> None:
    address = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9092"
    topic = sys.argv[2] if len(sys.argv) > 2 else "python-demo"
    brokers = Brokers(address)
    admin = admin_pb2_grpc.AdminStub(brokers.channel(address))
    groups = groups_pb2_grpc.GroupsStub(brokers.channel(address))
    try:
        created = admin.CreateTopics(admin_pb2.CreateTopicsRequest(topics=[admin_pb2.TopicSpec(name=topic, partitions=PARTITIONS)]), timeout=30)
        print(f"create {topic}: {errors_pb2.ErrorCode.Name(created.topics[0].error_code)}")

        started = int(time.time() * 1000)
        for key, value in RECORDS:
            partition = partition_for(key.encode(), PARTITIONS)
            offset = produce(brokers, topic, partition, key.encode(), value.encode())
            print(f"produced {key}:{value} to partition {partition} at offset {offset}")

        # Partition 0 of the stream is asked for explicitly: offset 0 and partition 0 are
        # defaults, absent from the wire, and must still mean 0.
        consumed = subscribe(brokers, topic, {p: 0 for p in range(PARTITIONS)}, len(RECORDS))
        for partition, offset, key, value in sorted(consumed):
            print(f"consumed {partition}:{offset} {key}:{value}")

        # Replay: the first offset at or after a time, per partition, then read from there.
        query = data_pb2.ListOffsetsRequest(partitions=[data_pb2.ListOffsetsPartition(topic=topic, partition=p, timestamp_ms=started) for p in range(PARTITIONS)])
        found = {r.partition: r.offset for r in brokers.data(topic, 0).ListOffsets(query, timeout=30).partitions if r.offset >= 0}
        replayed = subscribe(brokers, topic, found, len(RECORDS))
        print(f"replayed {len(replayed)} records from {started}")

        # The group's position in each partition: the offset after the last record it consumed.
        positions = {}
        for partition, offset, _, _ in consumed:
            positions[partition] = max(positions.get(partition, 0), offset + 1)
        commit = groups_pb2.CommitOffsetsRequest(
            group_id="python-billing",
            partitions=[groups_pb2.CommitOffsetsPartition(topic=topic, partition=p, offset=o) for p, o in sorted(positions.items())],
        )
        results = groups.CommitOffsets(commit, timeout=30).partitions
        print(f"committed: {', '.join(errors_pb2.ErrorCode.Name(r.error_code) for r in results)}")
        fetched = groups.FetchOffsets(groups_pb2.FetchOffsetsRequest(group_id="python-billing"), timeout=30)
        for r in sorted(fetched.partitions, key=lambda r: r.partition):
            print(f"group offset {r.topic}/{r.partition} = {r.offset}")
    finally:
        brokers.close()


if __name__ == "__main__":
    main()
