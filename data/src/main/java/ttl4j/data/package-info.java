/** ttl4j data module. */
package ttl4j.data;
