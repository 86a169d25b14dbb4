package dev.postdate.core.template;

import io.pebbletemplates.pebble.error.LoaderException;
import io.pebbletemplates.pebble.loader.Loader;

import java.io.Reader;
import java.io.StringReader;
import java.util.UUID;
import java.util.function.Function;

/**
 * The only loader the sandbox's engines have: it resolves exactly one name, a random one, and only
 * on the thread and for the duration of compiling that template's own source. Every other name
 * (an {@code include}, {@code import} or {@code extends} that slipped past the parser, a file path,
 * another tenant's template) is refused. Unlike Pebble's StringLoader it never treats a name as
 * content, and unlike the file and classpath loaders it reaches no storage at all.
 */
final class OwnPartsLoader implements Loader<String> {

    private record Compiling(String name, String source) {
    }

    private final ThreadLocal<Compiling> compiling = new ThreadLocal<>();

    /** Runs {@code compile} with the loader resolving one fresh name to {@code source}. */
    <T> T withSource(String source, Function<String, T> compile) {
        String name = "own-" + UUID.randomUUID();
        compiling.set(new Compiling(name, source));
        try {
            return compile.apply(name);
        } finally {
            compiling.remove();
        }
    }

    @Override
    public Reader getReader(String cacheKey) {
        Compiling current = compiling.get();
        if (current == null || !current.name().equals(cacheKey)) {
            throw new LoaderException(null, "Templates cannot load other templates or files");
        }
        return new StringReader(current.source());
    }

    @Override
    public void setCharset(String charset) {
    }

    @Override
    public void setPrefix(String prefix) {
    }

    @Override
    public void setSuffix(String suffix) {
    }

    @Override
    public String resolveRelativePath(String relativePath, String anchorPath) {
        return relativePath;
    }

    @Override
    public String createCacheKey(String templateName) {
        return templateName;
    }

    @Override
    public boolean resourceExists(String templateName) {
        Compiling current = compiling.get();
        return current != null && current.name().equals(templateName);
    }
}
