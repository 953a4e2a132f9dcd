package io.parley.assets.store;

import io.parley.assets.AssetConfig;
import io.parley.assets.AssetId;
import io.parley.assets.AssetsUnavailableException;
import io.parley.assets.StoredAsset;
import io.parley.assets.upload.ObjectSink;
import io.parley.assets.upload.UploadMeta;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The asset bucket on any S3 API (AWS S3, MinIO, s3proxy): one object per asset, keyed by its
 * SHA-256, with the asset's metadata as the object's user metadata. Every SDK failure surfaces as
 * {@link AssetsUnavailableException}.
 */
public final class S3AssetStore implements ObjectSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(S3AssetStore.class);
  /** Objects are served as opaque bytes, whatever the uploader declared: no page can be served from the bucket. */
  static final String OBJECT_CONTENT_TYPE = "application/octet-stream";
  static final String META_MIME = "mime";
  static final String META_UPLOADER = "uploader";
  static final String META_UPLOADED_AT = "uploaded-at";

  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;
  private final String region;
  private final boolean awsEndpoint;
  private final Duration urlTtl;
  private final Optional<URI> cdnBaseUrl;

  private S3AssetStore(S3Client s3, S3Presigner presigner, AssetConfig config) {
    this.s3 = s3;
    this.presigner = presigner;
    this.bucket = config.bucket();
    this.region = config.region();
    this.awsEndpoint = config.endpoint().isEmpty();
    this.urlTtl = config.urlTtl();
    this.cdnBaseUrl = config.cdnBaseUrl();
  }

  /** Builds the S3 client and presigner; makes no call yet. */
  public static S3AssetStore connect(AssetConfig config) {
    AwsCredentialsProvider credentials = config.accessKey().isPresent()
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey().get(), config.secretKey().orElseThrow()))
        : DefaultCredentialsProvider.builder().build();
    Region region = Region.of(config.region());
    S3ClientBuilder builder = S3Client.builder()
        .region(region)
        .credentialsProvider(credentials)
        .forcePathStyle(config.pathStyle())
        // Checksums on every request are an AWS extension other S3 servers refuse; SigV4 still signs the payload.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(Apache5HttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(config.s3Timeout())
            .maxConnections(Math.max(50, 2 * config.maxConcurrentUploads())));
    S3Presigner.Builder presign = S3Presigner.builder()
        .region(region)
        .credentialsProvider(credentials)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build());
    config.endpoint().ifPresent(endpoint -> {
      builder.endpointOverride(endpoint);
      presign.endpointOverride(endpoint);
    });
    return new S3AssetStore(builder.build(), presign.build(), config);
  }

  /** Creates the bucket if it does not exist yet. */
  public void ensureBucket() throws AssetsUnavailableException {
    try {
      s3.headBucket(b -> b.bucket(bucket));
      return;
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw unavailable("check bucket " + bucket, e);
      }
    } catch (SdkException e) {
      throw unavailable("check bucket " + bucket, e);
    }
    try {
      if (awsEndpoint && !Region.US_EAST_1.id().equals(region)) {
        s3.createBucket(b -> b.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(region)));
      } else {
        s3.createBucket(b -> b.bucket(bucket));
      }
      log.info("created asset bucket {}", bucket);
    } catch (BucketAlreadyOwnedByYouException e) {
      log.debug("bucket {} was created concurrently", bucket);
    } catch (SdkException e) {
      throw unavailable("create bucket " + bucket, e);
    }
  }

  public Optional<StoredAsset> find(AssetId id) throws AssetsUnavailableException {
    HeadObjectResponse head;
    try {
      head = s3.headObject(b -> b.bucket(bucket).key(id.objectKey()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw unavailable("look up " + id, e);
    } catch (SdkException e) {
      throw unavailable("look up " + id, e);
    }
    Map<String, String> meta = head.metadata();
    return Optional.of(new StoredAsset(id, head.contentLength(),
        meta.getOrDefault(META_MIME, OBJECT_CONTENT_TYPE),
        Optional.ofNullable(meta.get(META_UPLOADER)),
        instant(meta.get(META_UPLOADED_AT)).or(() -> Optional.ofNullable(head.lastModified()))));
  }

  @Override
  public boolean exists(AssetId id) throws AssetsUnavailableException {
    return find(id).isPresent();
  }

  /** A short-lived URL the client fetches the bytes from, without any Parley token. */
  public URI downloadUrl(AssetId id) {
    URI presigned = URI.create(presigner.presignGetObject(p -> p
        .signatureDuration(urlTtl)
        .getObjectRequest(g -> g.bucket(bucket).key(id.objectKey()))).url().toString());
    return DownloadUrls.onOrigin(presigned, cdnBaseUrl);
  }

  @Override
  public void put(AssetId id, byte[] bytes, int length, UploadMeta meta) throws AssetsUnavailableException {
    try {
      s3.putObject(b -> b.bucket(bucket).key(id.objectKey()).contentType(OBJECT_CONTENT_TYPE).metadata(metadata(meta)),
          body(bytes, length));
    } catch (SdkException e) {
      throw unavailable("store " + id, e);
    }
  }

  @Override
  public Multipart startMultipart(AssetId id, UploadMeta meta) throws AssetsUnavailableException {
    String uploadId;
    try {
      uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(id.objectKey())
          .contentType(OBJECT_CONTENT_TYPE).metadata(metadata(meta))).uploadId();
    } catch (SdkException e) {
      throw unavailable("start a multipart upload of " + id, e);
    }
    return new S3Multipart(id, uploadId);
  }

  /**
   * Aborts the multipart uploads started before {@code cutoff}: the leftovers of uploads whose abort
   * could not reach S3. Their parts were never visible as an object, but they cost storage.
   */
  public int abortUploadsStartedBefore(Instant cutoff) throws AssetsUnavailableException {
    int aborted = 0;
    try {
      for (MultipartUpload upload : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads()) {
        if (upload.initiated() == null || upload.initiated().isBefore(cutoff)) {
          s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
          aborted++;
        }
      }
    } catch (SdkException e) {
      throw unavailable("sweep abandoned uploads", e);
    }
    return aborted;
  }

  @Override
  public void close() {
    presigner.close();
    s3.close();
  }

  private final class S3Multipart implements Multipart {
    private final AssetId id;
    private final String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();

    S3Multipart(AssetId id, String uploadId) {
      this.id = id;
      this.uploadId = uploadId;
    }

    @Override
    public void uploadPart(int partNumber, byte[] bytes, int length) throws AssetsUnavailableException {
      try {
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(id.objectKey()).uploadId(uploadId).partNumber(partNumber)
            .contentLength((long) length), body(bytes, length)).eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      } catch (SdkException e) {
        throw unavailable("upload part " + partNumber + " of " + id, e);
      }
    }

    @Override
    public void complete() throws AssetsUnavailableException {
      try {
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(id.objectKey()).uploadId(uploadId)
            .multipartUpload(m -> m.parts(parts)));
      } catch (SdkException e) {
        throw unavailable("complete the upload of " + id, e);
      }
    }

    @Override
    public void abort() throws AssetsUnavailableException {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(id.objectKey()).uploadId(uploadId));
      } catch (SdkException e) {
        throw unavailable("abort the upload of " + id, e);
      }
    }
  }

  /** The SDK may resend a body on retry: each attempt gets a fresh stream over the same bytes, never a copy. */
  private static RequestBody body(byte[] bytes, int length) {
    return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length, OBJECT_CONTENT_TYPE);
  }

  private static Map<String, String> metadata(UploadMeta meta) {
    return Map.of(META_MIME, meta.mime(), META_UPLOADER, meta.uploader(), META_UPLOADED_AT, meta.uploadedAt().toString());
  }

  private static Optional<Instant> instant(String value) {
    try {
      return Optional.ofNullable(value).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private AssetsUnavailableException unavailable(String what, SdkException e) {
    return new AssetsUnavailableException("cannot " + what + " in bucket " + bucket + ": " + e.getMessage(), e);
  }
}
