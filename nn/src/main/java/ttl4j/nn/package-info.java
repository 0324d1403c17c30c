/** ttl4j nn module. */
package ttl4j.nn;
