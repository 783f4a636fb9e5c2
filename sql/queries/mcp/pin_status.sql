select status from mcp_tool_pins where server = $1 and tool = $2
