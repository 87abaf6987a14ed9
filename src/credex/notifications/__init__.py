"""What is sent to learners, and when: issuance notifications (queue, sender, unsubscribe)."""
