package io.parley.sinks.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.InvalidConfigurationInQueryException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.ProtocolError;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.ServerError;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import com.datastax.oss.driver.api.core.servererrors.TruncateException;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.type.codec.CodecNotFoundException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Sorts Cassandra failures into what waiting fixes, what the setup must fix, and what one record caused. */
public final class CassandraErrors {
  public enum Kind {
    /** Cassandra is down, slow or overloaded: retry the same writes later. */
    TRANSIENT,
    /** The schema, credentials or this code are wrong: no record can be written until someone fixes it. */
    SETUP,
    /** The request itself was refused (too large, invalid value): the records in it may be at fault. */
    REQUEST
  }

  private CassandraErrors() {}

  public static Kind classify(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof AllNodesFailedException || e instanceof DriverTimeoutException
        || e instanceof QueryConsistencyException // read/write timeouts and failures at a consistency level
            && !(e instanceof com.datastax.oss.driver.api.core.servererrors.WriteFailureException)
        || e instanceof UnavailableException || e instanceof OverloadedException
        || e instanceof BootstrappingException || e instanceof TruncateException
        || e instanceof BusyConnectionException || e instanceof ClosedConnectionException
        || e instanceof HeartbeatException || e instanceof ServerError) {
      return Kind.TRANSIENT;
    }
    if (e instanceof InvalidConfigurationInQueryException || e instanceof SyntaxError
        || e instanceof UnauthorizedException || e instanceof AuthenticationException
        || e instanceof ProtocolError || e instanceof CodecNotFoundException) {
      return Kind.SETUP;
    }
    return Kind.REQUEST;
  }

  public static boolean isTransient(Throwable error) {
    return classify(error) == Kind.TRANSIENT;
  }

  public static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
