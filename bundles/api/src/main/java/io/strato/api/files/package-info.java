/**
 * Files an app may have tampered with: unpacking an archive into a directory without letting any entry out of
 * it ({@link io.strato.api.files.UnpackTarget}), deleting a tree without following its links
 * ({@link io.strato.api.files.FileTrees}).
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.strato.api.files;
