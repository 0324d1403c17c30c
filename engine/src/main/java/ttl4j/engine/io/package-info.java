/** Text formats every module shares: {@link ttl4j.engine.io.Json}. */
package ttl4j.engine.io;
