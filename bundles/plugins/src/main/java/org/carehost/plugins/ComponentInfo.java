package org.carehost.plugins;

/**
 * One Declarative Services component of a plugin.
 *
 * @param name the component name
 * @param state its state in words: {@code active}, {@code satisfied}, {@code unsatisfied reference},
 *        {@code unsatisfied configuration}, {@code failed activation}, {@code disabled}
 */
public record ComponentInfo(String name, String state) {
}
