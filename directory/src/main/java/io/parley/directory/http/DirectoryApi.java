package io.parley.directory.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.auth.Principal;
import io.parley.directory.Directory;
import io.parley.directory.DirectoryConfig;
import io.parley.directory.DirectoryException;
import io.parley.directory.devices.DeviceRegistry;
import io.parley.directory.groups.Group;
import io.parley.directory.groups.Member;
import io.parley.directory.users.Profile;
import io.parley.http.BearerTokens;
import io.parley.http.ClientAddress;
import io.parley.http.HttpError;
import io.parley.http.HttpJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory's HTTP API: sign-up, sign-in and sign-out, profiles and groups. It answers only its own paths
 * and returns false for anything else, so other services can share the same prefixes.
 */
public final class DirectoryApi extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(DirectoryApi.class);
  private static final int MAX_BODY = 64 * 1024;

  private final Directory directory;
  private final BearerTokens bearer;
  private final Throttle failuresPerUserAndAddress;
  private final Throttle failuresPerUser;
  private final Throttle signInsPerAddress;
  /** Behind the cluster's load balancer: client addresses come from its X-Forwarded-For ({@link ClientAddress}). */
  private final boolean behindProxy;
  private final Throttle signUpsPerAddress;

  public DirectoryApi(Directory directory, BearerTokens bearer, DirectoryConfig config) {
    this.directory = directory;
    this.bearer = bearer;
    this.failuresPerUserAndAddress = new Throttle(config.signInFailuresPerUserAndAddressPerMinute());
    this.failuresPerUser = new Throttle(config.signInFailuresPerUserPerMinute());
    this.signInsPerAddress = new Throttle(config.signInsPerAddressPerMinute());
    this.behindProxy = config.behindProxy();
    this.signUpsPerAddress = new Throttle(config.signUpsPerAddressPerMinute());
  }

  /** The path specs this API answers, for mounting. */
  public static List<String> pathSpecs() {
    return List.of("/v1/users", "/v1/users/*", "/v1/sessions", "/v1/sessions/*", "/v1/groups", "/v1/groups/*");
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    // The whole path, however the API is mounted: under an exact or prefix path spec (its own
    // process's ServiceServer) the path in context is only what follows the spec's match.
    String path = request.getHttpURI().getDecodedPath();
    String[] p = path.substring(1).split("/", -1);
    String method = request.getMethod();
    try {
      if (p.length < 2 || !p[0].equals("v1")) {
        return false;
      }
      switch (p[1]) {
        case "users" -> {
          if (p.length == 2 && method.equals("POST")) {
            signUp(request, response, callback);
          } else if (p.length == 3 && p[2].equals("me") && method.equals("PATCH")) {
            updateProfile(request, response, callback);
          } else if (p.length == 4 && p[2].equals("me") && p[3].equals("groups") && method.equals("GET")) {
            myGroups(request, response, callback);
          } else if (p.length == 3 && method.equals("GET")) {
            profile(request, response, callback, p[2]);
          } else {
            return false;
          }
        }
        case "sessions" -> {
          if (p.length == 2 && method.equals("POST")) {
            signIn(request, response, callback);
          } else if (p.length == 3 && p[2].equals("current") && method.equals("DELETE")) {
            signOut(request, response, callback);
          } else if (p.length == 4 && p[2].equals("current") && p[3].equals("socket-ticket") && method.equals("POST")) {
            socketTicket(request, response, callback);
          } else {
            return false;
          }
        }
        case "groups" -> {
          if (p.length == 2 && method.equals("POST")) {
            createGroup(request, response, callback);
          } else if (p.length == 3 && method.equals("GET")) {
            group(request, response, callback, p[2]);
          } else if (p.length == 4 && p[3].equals("members") && method.equals("POST")) {
            addMember(request, response, callback, p[2]);
          } else if (p.length == 5 && p[3].equals("members") && method.equals("DELETE")) {
            removeMember(request, response, callback, p[2], p[4]);
          } else {
            return false;
          }
        }
        default -> {
          return false;
        }
      }
    } catch (HttpError e) {
      HttpJson.error(response, callback, e);
    } catch (DirectoryException e) {
      HttpJson.error(response, callback, new HttpError(e.status(), e.code(), e.getMessage()));
    } catch (DeviceRegistry.Unavailable e) {
      log.warn("directory request {} {} failed: {}", method, path, e.getMessage());
      HttpJson.error(response, callback, new HttpError(503, "unavailable", "cannot reach the mailboxes now; retry shortly", 5));
    } catch (RuntimeException e) {
      log.warn("directory request {} {} failed", method, path, e);
      HttpJson.error(response, callback, new HttpError(503, "unavailable", "the directory cannot answer now; retry shortly", 5));
    }
    return true;
  }

  // --- users ---

  private void signUp(Request request, Response response, Callback callback) throws HttpError, DirectoryException {
    if (!signUpsPerAddress.allow(ClientAddress.of(request, behindProxy))) {
      throw new HttpError(429, "rate_limited", "too many sign-ups from this address; wait a minute", 60);
    }
    JsonNode body = HttpJson.readObject(request, MAX_BODY);
    Profile profile = directory.signUp(text(body, "username", true), text(body, "password", true), text(body, "displayName", false));
    HttpJson.write(response, callback, 201, profileJson(profile));
  }

  private void signIn(Request request, Response response, Callback callback) throws HttpError, DirectoryException {
    JsonNode body = HttpJson.readObject(request, MAX_BODY);
    String username = text(body, "username", true);
    String address = ClientAddress.of(request, behindProxy);
    // Only wrong passwords count against a username, and first per address: a guesser elsewhere
    // uses up its own attempts, not the user's.
    String userAtAddress = username + '\u0000' + address;
    if (!signInsPerAddress.allow(address) || failuresPerUserAndAddress.exhausted(userAtAddress)
        || failuresPerUser.exhausted(username)) {
      throw new HttpError(429, "rate_limited", "too many sign-in attempts; wait a minute", 60);
    }
    Directory.Session session;
    try {
      session = directory.signIn(username, text(body, "password", true), text(body, "device", true));
    } catch (DirectoryException e) {
      if (e.status() == 401) {
        failuresPerUserAndAddress.allow(userAtAddress);
        failuresPerUser.allow(username);
      }
      throw e;
    }
    HttpJson.write(response, callback, 200, Map.of("token", session.token(), "user", profileJson(session.user())));
  }

  /** A one-minute ticket that opens a WebSocket as the caller's device, for the socket's URL. */
  private void socketTicket(Request request, Response response, Callback callback) throws HttpError {
    Principal me = bearer.authenticate(request);
    response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CACHE_CONTROL, "no-store");
    HttpJson.write(response, callback, 200, Map.of("ticket", bearer.socketTicket(me),
        "expiresIn", io.parley.auth.TokenService.SOCKET_TICKET_TTL.toSeconds()));
  }

  /** The token's own device signs out; a repeat, or a device the mailbox never knew, is 204 too. */
  private void signOut(Request request, Response response, Callback callback) throws HttpError {
    Principal me = bearer.authenticate(request);
    directory.signOut(me.user(), me.device());
    response.setStatus(204);
    response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, null, callback);
  }

  private void profile(Request request, Response response, Callback callback, String id) throws HttpError {
    bearer.authenticate(request);
    Profile profile = directory.profile(id).orElseThrow(() -> new HttpError(404, "unknown_user", "no such user"));
    HttpJson.write(response, callback, 200, profileJson(profile));
  }

  private void updateProfile(Request request, Response response, Callback callback) throws HttpError, DirectoryException {
    Principal me = bearer.authenticate(request);
    JsonNode body = HttpJson.readObject(request, MAX_BODY);
    Profile updated = directory.updateProfile(me.user(), text(body, "displayName", false), text(body, "about", false),
        text(body, "avatar", false));
    HttpJson.write(response, callback, 200, profileJson(updated));
  }

  private void myGroups(Request request, Response response, Callback callback) throws HttpError {
    Principal me = bearer.authenticate(request);
    ArrayNode out = HttpJson.MAPPER.createArrayNode();
    for (Group g : directory.groupsOf(me.user())) {
      out.addObject().put("id", g.id()).put("name", g.name()).put("members", g.memberCount());
    }
    HttpJson.write(response, callback, 200, Map.of("groups", out));
  }

  // --- groups ---

  private void createGroup(Request request, Response response, Callback callback) throws HttpError, DirectoryException {
    Principal me = bearer.authenticate(request);
    JsonNode body = HttpJson.readObject(request, MAX_BODY * 4);
    JsonNode members = body.get("members");
    List<String> ids = new ArrayList<>();
    if (members != null && !members.isNull()) {
      if (!members.isArray()) {
        throw HttpError.badRequest("members is an array of user ids");
      }
      for (JsonNode m : members) {
        if (!m.isTextual()) {
          throw HttpError.badRequest("members is an array of user ids");
        }
        ids.add(m.asText());
      }
    }
    Directory.GroupView group = directory.createGroup(me.user(), text(body, "name", true), ids);
    HttpJson.write(response, callback, 201, groupJson(group));
  }

  private void group(Request request, Response response, Callback callback, String id) throws HttpError, DirectoryException {
    Principal me = bearer.authenticate(request);
    HttpJson.write(response, callback, 200, groupJson(directory.group(me.user(), id)));
  }

  private void addMember(Request request, Response response, Callback callback, String id) throws HttpError, DirectoryException {
    Principal me = bearer.authenticate(request);
    JsonNode body = HttpJson.readObject(request, MAX_BODY);
    HttpJson.write(response, callback, 200, groupJson(directory.addMember(me.user(), id, text(body, "user", true))));
  }

  private void removeMember(Request request, Response response, Callback callback, String id, String user)
      throws HttpError, DirectoryException {
    Principal me = bearer.authenticate(request);
    Optional<Directory.GroupView> left = directory.removeMember(me.user(), id, user);
    if (left.isPresent()) {
      HttpJson.write(response, callback, 200, groupJson(left.get()));
    } else {
      HttpJson.write(response, callback, 200, Map.of("id", id, "deleted", true));
    }
  }

  // --- JSON ---

  private static String text(JsonNode body, String field, boolean required) throws HttpError {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw HttpError.badRequest("\"" + field + "\" is required");
      }
      return null;
    }
    if (!n.isTextual()) {
      throw HttpError.badRequest("\"" + field + "\" must be a string");
    }
    return n.asText();
  }

  private static ObjectNode profileJson(Profile p) {
    ObjectNode o = HttpJson.MAPPER.createObjectNode().put("id", p.id()).put("displayName", p.displayName()).put("about", p.about());
    if (p.avatar() != null) {
      o.put("avatar", p.avatar());
    } else {
      o.putNull("avatar");
    }
    return o;
  }

  private static ObjectNode groupJson(Directory.GroupView g) {
    ObjectNode o = HttpJson.MAPPER.createObjectNode().put("id", g.id()).put("name", g.name())
        .put("createdBy", g.createdBy()).put("createdAt", g.createdAt()).put("version", g.version());
    ArrayNode members = o.putArray("members");
    for (Member m : g.members()) {
      members.addObject().put("user", m.userId()).put("role", m.role()).put("joinedAt", m.joinedAt());
    }
    return o;
  }
}
