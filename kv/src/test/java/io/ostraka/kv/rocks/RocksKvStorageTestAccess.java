package io.ostraka.kv.rocks;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests in other packages reuse the storage's recursive delete. */
public final class RocksKvStorageTestAccess {
    private RocksKvStorageTestAccess() {}

    public static void deleteTree(Path root) throws IOException {
        RocksKvStorage.deleteRecursively(root);
    }
}
