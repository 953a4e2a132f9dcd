package io.parley.bench.load;

import java.util.HashMap;
import java.util.Map;

/**
 * One recipient's check that each sender's messages of a step arrive in the order that sender sent
 * them (each sender writes its messages in rising index order). A message delivered twice under two
 * seqs arrives out of that order too, so this also catches duplicates a group's count alone could hide.
 * Not thread-safe: one socket's frames arrive one at a time.
 */
final class SendOrder {
  private int step = -1;
  private final Map<String, Integer> lastIndexBySender = new HashMap<>();

  /** Records message {@code id} from {@code sender}; false if it arrived out of that sender's order. */
  boolean accept(String sender, String id) {
    int messageStep = MessageIds.step(id);
    int index = MessageIds.index(id);
    if (messageStep != step) {
      if (messageStep < step) {
        return true; // a late frame of an earlier step: the ledger counts it as late
      }
      step = messageStep;
      lastIndexBySender.clear();
    }
    String key = sender == null ? "" : sender;
    Integer last = lastIndexBySender.get(key);
    if (last != null && index <= last) {
      return false; // keep the highest index seen, so everything below it stays a fault
    }
    lastIndexBySender.put(key, index);
    return true;
  }
}
