package org.otaplatform.common.messaging;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import java.lang.annotation.Annotation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** An event that goes nowhere: the broker-back notice of subscriptions made outside CDI. */
final class NoEvents implements Event<BrokerReconnected> {
    @Override
    public void fire(BrokerReconnected event) {}

    @Override
    public <U extends BrokerReconnected> CompletionStage<U> fireAsync(U event) {
        return CompletableFuture.completedFuture(event);
    }

    @Override
    public <U extends BrokerReconnected> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
        return CompletableFuture.completedFuture(event);
    }

    @Override
    public Event<BrokerReconnected> select(Annotation... qualifiers) {
        return this;
    }

    @Override
    public <U extends BrokerReconnected> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <U extends BrokerReconnected> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
        throw new UnsupportedOperationException();
    }
}
