/**
 * The mains the container images run beside the services' own: a Kafka broker and a distributed
 * Kafka Connect worker with Prometheus endpoints, and the S3 API server of the compose cluster.
 */
package io.parley.docker;
