package org.carehost.store;

/**
 * The connection pool's use at one moment ({@code /metrics}).
 *
 * @param active connections lent out now
 * @param idle connections open and waiting to be lent
 * @param max the most the pool opens
 * @param waiting callers waiting for a connection now
 * @since 2.1
 */
public record PoolUse(int active, int idle, int max, int waiting) {
}
