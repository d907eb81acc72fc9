/** What the two public link endpoints (unsubscribe, article-link) need; adapters in `src/aws/` implement them. */

/** A stored original a digest links to: the object, and its version when the upload event named one. */
export interface OriginalRef {
  bucket: string;
  key: string;
  versionId?: string;
}

/** A time-limited GET URL, and when it really stops working. */
export interface PresignedLink {
  url: string;
  expiresAt: Date;
}

/** Links signed at click time (the article-link function): the role's credentials are fresh then. */
export interface OriginalLinks {
  /**
   * A GET link to the object (that version, when named) valid for `expiresInSeconds` from now, or
   * undefined when the object is gone. Fails (throws) on anything else, e.g. S3 being unreachable.
   */
  presignExisting(ref: OriginalRef, expiresInSeconds: number): Promise<PresignedLink | undefined>;
}

export interface UnsubscribeRecorder {
  /** Records the unsubscription; false when it was already recorded (idempotent). */
  add(subscriberId: string, at: Date): Promise<boolean>;
}
