#!/usr/bin/env python3
"""A consumer-group member in Python, from nothing but proto/ (stubs made by generate.sh).

Joins a consumer group by heartbeating (ConsumerGroupHeartbeat, KIP-848: the broker assigns the
partitions), reads only the partitions it is given from the group's committed offsets, commits
with its member id and epoch, gives up partitions the broker takes away (committing them first,
then leaving them out of the next heartbeat), and leaves the group when it is done. Two of them
split a topic's partitions.

    ./generate.sh && python3 group_member.py 127.0.0.1:9092 orders billing [stop-after-idle-seconds]

Prints one line per record ("partition:offset value") and one per change of assignment. Talks to
the bootstrap broker only: on a cluster, follow NOT_COORDINATOR (its `coordinator` field) and
NOT_LEADER as sluice_example.py does.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen"))

import grpc  # noqa: E402
from sluice.v1 import data_pb2, data_pb2_grpc  # noqa: E402
from sluice.v1 import errors_pb2  # noqa: E402
from sluice.v1 import groups_pb2, groups_pb2_grpc  # noqa: E402


class Member:
    def __init__(self, channel: grpc.Channel, group: str, topic: str):
        self.groups = groups_pb2_grpc.GroupsStub(channel)
        self.data = data_pb2_grpc.DataStub(channel)
        self.group, self.topic = group, topic
        self.member_id, self.epoch = "", 0
        self.positions = {}  # partition -> next offset to read, for the partitions owned now
        self.interval_s = 0.0

    def heartbeat(self) -> None:
        """One heartbeat: report what is owned, apply the assignment (revoke first, then take)."""
        owned = [groups_pb2.TopicPartitions(topic=self.topic, partitions=sorted(self.positions))] if self.positions else []
        answer = self.groups.ConsumerGroupHeartbeat(groups_pb2.ConsumerGroupHeartbeatRequest(
            group_id=self.group, member_id=self.member_id, member_epoch=self.epoch,
            subscribed_topic_names=[self.topic], owned_partitions=owned), timeout=30)
        if answer.error_code in (errors_pb2.UNKNOWN_MEMBER_ID, errors_pb2.FENCED_MEMBER_EPOCH):
            print(f"fenced ({errors_pb2.ErrorCode.Name(answer.error_code)}): dropping {sorted(self.positions)} and rejoining", flush=True)
            self.positions, self.epoch = {}, 0
            return
        if answer.error_code != errors_pb2.NONE:
            raise RuntimeError(f"heartbeat: {errors_pb2.ErrorCode.Name(answer.error_code)}: {answer.error_message}")
        self.member_id, self.epoch = answer.member_id, answer.member_epoch
        self.interval_s = answer.heartbeat_interval_ms / 1000
        assigned = {p for tp in answer.assignment if tp.topic == self.topic for p in tp.partitions}
        revoked = sorted(set(self.positions) - assigned)
        if revoked:
            self.commit(revoked)  # commit on revoke, then stop reading them
            for p in revoked:
                del self.positions[p]
            print(f"revoked {revoked}", flush=True)
        added = sorted(assigned - set(self.positions))
        if added:
            for p, offset in self.committed(added).items():
                self.positions[p] = offset
            print(f"assigned {added}", flush=True)

    def committed(self, partitions: list) -> dict:
        """The group's committed offsets, 0 where it has none."""
        answer = self.groups.FetchOffsets(groups_pb2.FetchOffsetsRequest(
            group_id=self.group, partitions=[groups_pb2.FetchOffsetsPartition(topic=self.topic, partition=p) for p in partitions]), timeout=30)
        return {r.partition: max(r.offset, 0) for r in answer.partitions}

    def commit(self, partitions: list) -> None:
        answer = self.groups.CommitOffsets(groups_pb2.CommitOffsetsRequest(
            group_id=self.group, member_id=self.member_id, member_epoch=self.epoch,
            partitions=[groups_pb2.CommitOffsetsPartition(topic=self.topic, partition=p, offset=self.positions[p]) for p in partitions]), timeout=30)
        for r in answer.partitions:
            if r.error_code != errors_pb2.NONE:
                print(f"commit {self.topic}/{r.partition} refused: {errors_pb2.ErrorCode.Name(r.error_code)}", flush=True)

    def fetch(self) -> int:
        """One Fetch of the owned partitions (short long poll); prints and counts the records."""
        if not self.positions:
            time.sleep(0.1)
            return 0
        request = data_pb2.FetchRequest(max_wait_ms=200, partitions=[
            data_pb2.FetchPartition(topic=self.topic, partition=p, offset=o) for p, o in self.positions.items()])
        read = 0
        for result in self.data.Fetch(request, timeout=30).partitions:
            if result.error_code != errors_pb2.NONE or result.partition not in self.positions:
                continue
            for fetched in result.batches:
                for i, record in enumerate(fetched.batch.records):
                    offset = fetched.base_offset + i
                    if offset >= self.positions[result.partition]:  # a batch may start before the offset asked for
                        print(f"{result.partition}:{offset} {record.value.decode()}", flush=True)
                        self.positions[result.partition] = offset + 1
                        read += 1
        return read

    def leave(self) -> None:
        if self.positions:
            self.commit(sorted(self.positions))
        self.groups.ConsumerGroupHeartbeat(groups_pb2.ConsumerGroupHeartbeatRequest(
            group_id=self.group, member_id=self.member_id, member_epoch=-1), timeout=30)


def main() -> None:
    address, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
    idle_s = float(sys.argv[4]) if len(sys.argv) > 4 else 5.0
    with grpc.insecure_channel(address) as channel:
        member = Member(channel, group, topic)
        member.heartbeat()
        last_record = last_beat = time.monotonic()
        while time.monotonic() - last_record < idle_s:
            if member.fetch() > 0:
                last_record = time.monotonic()
                member.commit(sorted(member.positions))
            if time.monotonic() - last_beat >= member.interval_s:
                member.heartbeat()
                last_beat = time.monotonic()
        member.leave()
        print("left the group", flush=True)


if __name__ == "__main__":
    main()
