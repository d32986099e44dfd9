// Forwards a request to another broker of the cluster (admin changes to the metadata leader,
// group requests to their coordinator), marked so that the receiver never forwards it again.
import * as grpc from '@grpc/grpc-js';
import { brokerProtoRoot } from '../../protocol/proto-root';
import { serviceDefinition, type ServiceName } from '../../protocol/services';
import { RequestError } from '../request-error';

export const FORWARDED_HEADER = 'x-sluice-forwarded';
const FORWARD_TIMEOUT_MS = 30_000;

export class Forwarder {
  private readonly clients = new Map<string, grpc.Client>();

  constructor(private readonly nodeId: number) {}

  call(address: string, service: ServiceName, method: string, request: object): Promise<any> {
    const client = this.client(address, service) as unknown as Record<string, Function>;
    const metadata = new grpc.Metadata();
    metadata.set(FORWARDED_HEADER, String(this.nodeId));
    return new Promise((resolve, reject) => {
      client[method]!.call(client, request, metadata, { deadline: Date.now() + FORWARD_TIMEOUT_MS }, (error: grpc.ServiceError | null, response: unknown) => {
        if (!error) resolve(response);
        else reject(new RequestError(error.code === grpc.status.UNAVAILABLE ? grpc.status.UNAVAILABLE : error.code, `forwarded to ${address}: ${error.details}`));
      });
    });
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private client(address: string, service: ServiceName): grpc.Client {
    const key = `${service}@${address}`;
    let client = this.clients.get(key);
    if (!client) {
      const Client = grpc.makeGenericClientConstructor(serviceDefinition(brokerProtoRoot(), service), service);
      client = new Client(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 });
      this.clients.set(key, client);
    }
    return client;
  }
}
