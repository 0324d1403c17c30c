package ttl4j.engine.conv;

/**
 * How {@link Convolutions} computes each pass of one convolution shape, and the scratch it needs.
 *
 * @param workspaceFloats the most scratch (floats, all threads together) any pass of this plan allocates
 */
public record ConvPlan(ConvShape shape, ConvAlgorithm forward, ConvAlgorithm backwardData, ConvAlgorithm backwardWeights,
                       long workspaceFloats) {
    @Override
    public String toString() {
        return "forward " + forward.key() + ", input gradient " + backwardData.key() + ", weight gradient "
                + backwardWeights.key() + ", workspace " + workspaceFloats * 4 / 1024 + " KiB";
    }
}
