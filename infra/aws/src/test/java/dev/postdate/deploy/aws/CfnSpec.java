package dev.postdate.deploy.aws;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The CloudFormation resource specification (the subset in cfn-spec-subset.json): which resource
 * types exist, their properties with type and whether required, their GetAtt attributes, and the
 * property types those refer to.
 */
final class CfnSpec {

    /**
     * The type of a property value, as the specification states it: a primitive, a property type,
     * or a List or Map of either.
     *
     * @param container "List", "Map", or null for a single value
     * @param primitive String, Integer, Long, Double, Boolean, Timestamp or Json; null for a property type
     * @param typeName  property type name (unqualified, as the spec writes it) when not primitive
     * @param owner     resource type whose property types typeName is looked up among
     */
    record ValueType(String container, String primitive, String typeName, String owner) {

        static ValueType of(JsonNode property, String owner) {
            String type = property.path("Type").asText(null);
            boolean collection = "List".equals(type) || "Map".equals(type);
            if (collection) {
                return new ValueType(type, property.path("PrimitiveItemType").asText(null),
                        property.path("ItemType").asText(null), owner);
            }
            return new ValueType(null, property.path("PrimitiveType").asText(null), type, owner);
        }

        ValueType item() {
            return new ValueType(null, primitive, typeName, owner);
        }

        String describe() {
            String single = primitive != null ? primitive : typeName;
            return container == null ? single : container + " of " + single;
        }
    }

    private final JsonNode root;

    CfnSpec(JsonNode root) {
        this.root = root;
    }

    JsonNode provenance() {
        return root.path("Provenance");
    }

    String version() {
        return root.path("ResourceSpecificationVersion").asText();
    }

    Set<String> resourceTypeNames() {
        Set<String> names = new TreeSet<>();
        root.path("ResourceTypes").fieldNames().forEachRemaining(names::add);
        return names;
    }

    Optional<JsonNode> resourceType(String type) {
        return Optional.ofNullable(root.path("ResourceTypes").get(type));
    }

    /** A property type named by a property of {@code owner}: qualified by the owner, else global (Tag). */
    Optional<JsonNode> propertyType(String owner, String name) {
        JsonNode types = root.path("PropertyTypes");
        JsonNode qualified = types.get(owner + "." + name);
        return Optional.ofNullable(qualified != null ? qualified : types.get(name));
    }

    /** The GetAtt attribute of a resource type, if the spec lists it. */
    Optional<JsonNode> attribute(String resourceType, String attribute) {
        return resourceType(resourceType).map(type -> type.path("Attributes").get(attribute));
    }
}
