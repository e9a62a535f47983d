package io.ostraka.transport;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;

/**
 * How peer connections are secured: the credentials the server listens with and the credentials
 * channels to peers connect with. Only {@link #plaintext()} exists today; mutual TLS between
 * peers (DESIGN.md, wave 2) will be another implementation built from
 * {@code TlsServerCredentials}/{@code TlsChannelCredentials} with client-auth required, and
 * nothing else in the transport has to change.
 */
public interface TransportSecurity {
    ServerCredentials serverCredentials();

    ChannelCredentials channelCredentials();

    static TransportSecurity plaintext() {
        return new TransportSecurity() {
            @Override
            public ServerCredentials serverCredentials() {
                return InsecureServerCredentials.create();
            }

            @Override
            public ChannelCredentials channelCredentials() {
                return InsecureChannelCredentials.create();
            }

            @Override
            public String toString() {
                return "plaintext";
            }
        };
    }
}
