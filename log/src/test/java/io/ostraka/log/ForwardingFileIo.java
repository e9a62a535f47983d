package io.ostraka.log;

import io.ostraka.log.segment.FileHandle;
import io.ostraka.log.segment.FileIo;
import io.ostraka.log.segment.NioFileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Test base: the real file system, for a test to override the one operation it makes fail. */
abstract class ForwardingFileIo implements FileIo {
    final FileIo delegate = NioFileIo.INSTANCE;

    @Override public FileHandle open(Path p, boolean create) throws IOException { return delegate.open(p, create); }
    @Override public FileHandle openReadOnly(Path p) throws IOException { return delegate.openReadOnly(p); }
    @Override public void forceDirectory(Path p) throws IOException { delegate.forceDirectory(p); }
    @Override public void rename(Path from, Path to) throws IOException { delegate.rename(from, to); }
    @Override public void delete(Path p) throws IOException { delegate.delete(p); }
    @Override public void createDirectories(Path p) throws IOException { delegate.createDirectories(p); }
    @Override public List<Path> list(Path p) throws IOException { return delegate.list(p); }
}
