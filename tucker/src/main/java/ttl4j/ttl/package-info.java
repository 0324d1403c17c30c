/** ttl4j ttl module. */
package ttl4j.ttl;
