package io.parley.assets.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.assets.AssetId;
import io.parley.assets.AssetsUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UploadPipelineTest {
  private static final int PART = 100;
  private static final UploadMeta META = new UploadMeta("image/png", "alice", Instant.EPOCH);
  private final FakeSink sink = new FakeSink();
  private final UploadPipeline pipeline = new UploadPipeline(sink, 1_000, PART);

  @Test
  void shouldPutABodyThatFitsInOnePartInOneRequest() throws Exception {
    byte[] bytes = bytes(PART);

    UploadPipeline.Outcome outcome = pipeline.upload(idOf(bytes), in(bytes), bytes.length, META);

    assertThat(outcome).isEqualTo(new UploadPipeline.Outcome(PART, true, 0));
    assertThat(sink.objects.get(idOf(bytes))).isEqualTo(bytes);
    assertThat(sink.multipartsStarted).isZero();
  }

  @Test
  void shouldAcceptAnEmptyAsset() throws Exception {
    byte[] bytes = new byte[0];
    assertThat(pipeline.upload(idOf(bytes), in(bytes), 0, META).created()).isTrue();
    assertThat(sink.objects).containsKey(idOf(bytes));
  }

  @Test
  void shouldSendLargerBodiesInPartsAndCompleteOnlyWhenTheHashMatches() throws Exception {
    for (int size : new int[] {PART + 1, 2 * PART, 2 * PART + 1, 7 * PART + 13}) {
      FakeSink s = new FakeSink();
      byte[] bytes = bytes(size);

      UploadPipeline.Outcome outcome = new UploadPipeline(s, 1_000, PART).upload(idOf(bytes), in(bytes), -1, META);

      assertThat(outcome.created()).isTrue();
      assertThat(outcome.parts()).as("size %d", size).isEqualTo((size + PART - 1) / PART);
      assertThat(s.objects.get(idOf(bytes))).as("size %d", size).isEqualTo(bytes);
      assertThat(s.partSizes.subList(0, s.partSizes.size() - 1)).allMatch(n -> n == PART);
      assertThat(s.aborted).isZero();
    }
  }

  @Test
  void shouldReadTheBodyInWhateverPiecesItArrives() throws Exception {
    byte[] bytes = bytes(5 * PART + 7);
    InputStream trickle = new InputStream() {
      private int pos;

      @Override
      public int read() {
        return pos < bytes.length ? bytes[pos++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos >= bytes.length) {
          return -1;
        }
        int n = Math.min(Math.min(len, 3), bytes.length - pos);
        System.arraycopy(bytes, pos, b, off, n);
        pos += n;
        return n;
      }
    };

    pipeline.upload(idOf(bytes), trickle, -1, META);

    assertThat(sink.objects.get(idOf(bytes))).isEqualTo(bytes);
  }

  @Test
  void shouldStoreNothingWhenTheHashDoesNotMatch() {
    for (int size : new int[] {10, 3 * PART + 5}) {
      FakeSink s = new FakeSink();
      byte[] bytes = bytes(size);

      assertThatThrownBy(() -> new UploadPipeline(s, 1_000, PART).upload(idOf(new byte[] {1}), in(bytes), size, META))
          .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.HASH_MISMATCH));
      assertThat(s.objects).isEmpty();
      assertThat(s.aborted).isEqualTo(s.multipartsStarted);
    }
  }

  @Test
  void shouldRefuseADeclaredLengthOverTheLimitBeforeReading() {
    InputStream unread = new InputStream() {
      @Override
      public int read() {
        throw new AssertionError("the body must not be read");
      }
    };
    assertThatThrownBy(() -> pipeline.upload(idOf(new byte[] {1}), unread, 1_001, META))
        .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.TOO_LARGE));
  }

  @Test
  void shouldRefuseAnUndeclaredBodyOnceItPassesTheLimit() {
    byte[] bytes = bytes(1_001);
    assertThatThrownBy(() -> pipeline.upload(idOf(bytes), in(bytes), -1, META))
        .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.TOO_LARGE));
    assertThat(sink.objects).isEmpty();
    assertThat(sink.aborted).isEqualTo(1);
  }

  @Test
  void shouldAcceptExactlyTheLimit() throws Exception {
    byte[] bytes = bytes(1_000);
    assertThat(pipeline.upload(idOf(bytes), in(bytes), -1, META).size()).isEqualTo(1_000);
    // When one part is the whole allowance, one byte more is already too much.
    UploadPipeline tight = new UploadPipeline(new FakeSink(), PART, PART);
    assertThat(tight.upload(idOf(bytes(PART)), in(bytes(PART)), -1, META).created()).isTrue();
    assertThatThrownBy(() -> tight.upload(idOf(bytes(PART + 1)), in(bytes(PART + 1)), -1, META))
        .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.TOO_LARGE));
  }

  @Test
  void shouldStoreNothingOfABodyThatBreaksOff() {
    for (int sent : new int[] {50, 3 * PART + 50}) {
      FakeSink s = new FakeSink();
      byte[] bytes = bytes(sent);
      InputStream broken = new InputStream() {
        private int pos;

        @Override
        public int read() throws IOException {
          if (pos == bytes.length) {
            throw new IOException("early EOF");
          }
          return bytes[pos++] & 0xff;
        }
      };

      assertThatThrownBy(() -> new UploadPipeline(s, 1_000, PART).upload(idOf(bytes), broken, 1_000, META))
          .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.TRUNCATED));
      assertThat(s.objects).isEmpty();
      assertThat(s.aborted).isEqualTo(s.multipartsStarted);
    }
  }

  @Test
  void shouldRefuseABodyShorterThanItsDeclaredLength() {
    byte[] bytes = bytes(40);
    assertThatThrownBy(() -> pipeline.upload(idOf(bytes), in(bytes), 41, META))
        .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.TRUNCATED));
    assertThat(sink.objects).isEmpty();
  }

  @Test
  void shouldAbortWhenTheStoreFailsMidUpload() {
    byte[] bytes = bytes(5 * PART);
    sink.failOnPart = 3;

    assertThatThrownBy(() -> pipeline.upload(idOf(bytes), in(bytes), -1, META)).isInstanceOf(AssetsUnavailableException.class);

    assertThat(sink.objects).isEmpty();
    assertThat(sink.aborted).isEqualTo(1);
  }

  @Test
  void shouldReportTheFailureEvenWhenTheAbortFailsToo() {
    byte[] bytes = bytes(5 * PART);
    sink.failOnPart = 2;
    sink.failAbort = true;

    assertThatThrownBy(() -> pipeline.upload(idOf(bytes), in(bytes), -1, META))
        .isInstanceOf(AssetsUnavailableException.class).hasMessageContaining("part 2");
    assertThat(sink.objects).isEmpty();
  }

  @Test
  void shouldDropItsPartsWhenIdenticalBytesWereStoredMeanwhile() throws Exception {
    byte[] bytes = bytes(3 * PART);
    sink.existsAtEnd = true;

    UploadPipeline.Outcome outcome = pipeline.upload(idOf(bytes), in(bytes), -1, META);

    assertThat(outcome.created()).isFalse();
    assertThat(sink.aborted).isEqualTo(1);
    assertThat(sink.completed).isZero();
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private static InputStream in(byte[] bytes) {
    return new ByteArrayInputStream(bytes);
  }

  private static AssetId idOf(byte[] bytes) {
    try {
      return AssetId.ofDigest(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An in-memory store that makes multipart objects visible only on completion, as S3 does. */
  private static final class FakeSink implements ObjectSink {
    final Map<AssetId, byte[]> objects = new HashMap<>();
    final List<Integer> partSizes = new ArrayList<>();
    int multipartsStarted;
    int aborted;
    int completed;
    int failOnPart = -1;
    boolean failAbort;
    boolean existsAtEnd;

    @Override
    public void put(AssetId id, byte[] bytes, int length, UploadMeta meta) {
      objects.put(id, java.util.Arrays.copyOf(bytes, length));
    }

    @Override
    public Multipart startMultipart(AssetId id, UploadMeta meta) {
      multipartsStarted++;
      java.io.ByteArrayOutputStream parts = new java.io.ByteArrayOutputStream();
      return new Multipart() {
        int expected = 1;

        @Override
        public void uploadPart(int partNumber, byte[] bytes, int length) throws AssetsUnavailableException {
          assertThat(partNumber).isEqualTo(expected++);
          if (partNumber == failOnPart) {
            throw new AssetsUnavailableException("S3 is down at part " + partNumber, null);
          }
          partSizes.add(length);
          parts.write(bytes, 0, length);
        }

        @Override
        public void complete() {
          completed++;
          objects.put(id, parts.toByteArray());
        }

        @Override
        public void abort() throws AssetsUnavailableException {
          aborted++;
          if (failAbort) {
            throw new AssetsUnavailableException("S3 is down", null);
          }
        }
      };
    }

    @Override
    public boolean exists(AssetId id) {
      return existsAtEnd || objects.containsKey(id);
    }
  }
}
