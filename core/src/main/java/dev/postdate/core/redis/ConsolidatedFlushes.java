package dev.postdate.core.redis;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Lettuce flushes after every command, so each one costs a write system call (and Redis a read).
 * Callers here issue many small commands at once from many threads (a worker's claims and marks, the
 * api's accepted-email records); consolidating the flushes of one event-loop turn writes them
 * together (a worker profile had Lettuce at a fifth of its CPU; docs/benchmarks.md has the end-to-end
 * figure). Netty asks for the handler at the head of the pipeline.
 */
final class ConsolidatedFlushes implements NettyCustomizer {

    @Override
    public void afterChannelInitialized(Channel channel) {
        // true: also consolidate when no read is in progress (commands from threads outside the loop).
        channel.pipeline().addFirst(new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    }
}
