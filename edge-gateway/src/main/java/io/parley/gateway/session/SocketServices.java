package io.parley.gateway.session;

import io.parley.gateway.GatewayConfig;
import io.parley.gateway.GatewayMetrics;
import io.parley.gateway.events.AppEvents;
import io.parley.gateway.frames.InboundFrames;
import io.parley.gateway.kafka.GatewayProducer;
import java.util.function.BooleanSupplier;

/**
 * What every socket of one gateway shares.
 *
 * @param incarnation this gateway process's start time; sessions carry it so a restart is visible
 * @param crashed true once the gateway is being stopped abruptly: sockets then leave no goodbye
 * @param events makes the app events sockets record on the events topic
 */
public record SocketServices(
    GatewayConfig config,
    long incarnation,
    GatewayProducer producer,
    Connections connections,
    InboundFrames frames,
    GatewayMetrics metrics,
    SendPolicy sendPolicy,
    BooleanSupplier crashed,
    AppEvents events) {}
