package io.parley.assets.http;

import io.parley.http.HttpError;
import java.util.Locale;
import java.util.regex.Pattern;

/** The media type an uploader declares with {@code Content-Type}, recorded with the asset. */
final class MediaTypes {
  static final String OPAQUE = "application/octet-stream";
  private static final Pattern MIME = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}");

  private MediaTypes() {}

  /** The type without parameters, lower case; no header means opaque bytes. */
  static String declared(String contentType) throws HttpError {
    if (contentType == null || contentType.isBlank()) {
      return OPAQUE;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    if (!MIME.matcher(type).matches()) {
      throw HttpError.badRequest("Content-Type is not a media type");
    }
    return type;
  }
}
