import { describe, expect, it } from "vitest";
import { backoff, dmId, isPermanent, peerOf, recipientOf, ticks, withReceipt } from "../../main/ts/model";

describe("conversations", () => {
  it("shouldSortTheTwoUsersOfADirectConversation", () => {
    expect(dmId("bob", "alice")).toBe("dm:alice:bob");
    expect(dmId("alice", "bob")).toBe("dm:alice:bob");
  });

  it("shouldSendToTheOtherPersonOrTheGroup", () => {
    expect(recipientOf("dm:alice:bob", "bob")).toEqual({ user: "alice" });
    expect(recipientOf("group:gabcd1", "bob")).toEqual({ group: "gabcd1" });
    expect(peerOf("dm:alice:bob", "alice")).toBe("bob");
    expect(peerOf("group:gabcd1", "alice")).toBeNull();
  });
});

describe("ticks", () => {
  const none = { delivered: [], read: [] };

  it("shouldShowSentDeliveredReadInADirectConversation", () => {
    expect(ticks(none, 1).status).toBe("sent");
    const delivered = withReceipt(none, "bob", "delivered");
    expect(ticks(delivered, 1).status).toBe("delivered");
    expect(ticks(withReceipt(delivered, "bob", "read"), 1).status).toBe("read");
  });

  it("shouldCountAReadWithoutADeliveredAsRead", () => {
    expect(ticks(withReceipt(none, "bob", "read"), 1).status).toBe("read");
  });

  it("shouldIgnoreAReceiptSeenTwice", () => {
    const once = withReceipt(none, "bob", "delivered");
    expect(withReceipt(once, "bob", "delivered")).toBe(once);
  });

  it("shouldWaitForEveryMemberInAGroup", () => {
    const one = withReceipt(none, "bob", "delivered");
    expect(ticks(one, 2, "gabcd1")).toEqual({ status: "sent", detail: "delivered to 1 of 2" });
    const both = withReceipt(one, "carol", "delivered");
    expect(ticks(both, 2, "gabcd1").status).toBe("delivered");
    const oneRead = withReceipt(both, "carol", "read");
    expect(ticks(oneRead, 2, "gabcd1")).toEqual({ status: "delivered", detail: "read by 1 of 2" });
    expect(ticks(withReceipt(oneRead, "bob", "read"), 2, "gabcd1").status).toBe("read");
  });

  it("shouldTakeTheGroupsOwnReceiptForALargeGroup", () => {
    expect(ticks(withReceipt(none, "gabcd1", "delivered"), 99, "gabcd1").status).toBe("delivered");
    expect(ticks(withReceipt(none, "gabcd1", "read"), 99, "gabcd1").status).toBe("read");
  });
});

describe("reconnect", () => {
  it("shouldGrowTheDelayAndCapIt", () => {
    expect(backoff(0, () => 1)).toBe(500);
    expect(backoff(3, () => 1)).toBe(4000);
    expect(backoff(30, () => 1)).toBe(30_000);
    expect(backoff(30, () => 0)).toBe(15_000);
  });

  it("shouldNotResendWhatCanNeverBeTaken", () => {
    expect(isPermanent("too_large")).toBe(true);
    expect(isPermanent("rate_limited")).toBe(false);
    expect(isPermanent("unavailable")).toBe(false);
  });
});
